/**
 * A person's `raw` json entry, parsed on first read (export and the 1.x protocol read it; opening a
 * dataset does not). One getter shared by every person, not a closure per person: closures cost about
 * 500 bytes each and put the objects in slow mode (150,000 persons: about 80 MB more heap and a second
 * of allocation and GC). The entry's text is kept under a non-enumerable symbol; `raw` stays an own
 * enumerable property (spreads and JSON.stringify see it as before), replaced by the parsed value on
 * first read. Used by datasets/open-dataset.ts (from the json) and store/datasets-repo.ts (from the workspace).
 */
import type { PersonAnnotation } from './types.ts';

const RAW_TEXT = Symbol('posebench.rawJson');

function rawFromText(this: Record<PropertyKey, unknown>): Record<string, unknown> {
  const raw = JSON.parse(this[RAW_TEXT] as string) as Record<string, unknown>;
  Object.defineProperty(this, 'raw', { value: raw, enumerable: true, writable: true, configurable: true });
  return raw;
}
const LAZY_RAW: PropertyDescriptor = { get: rawFromText, enumerable: true, configurable: true };

/** A person whose `raw` is parsed from `rawJson` on first access. */
export function withLazyRaw(person: Omit<PersonAnnotation, 'raw'>, rawJson: string): PersonAnnotation {
  Object.defineProperty(person, RAW_TEXT, { value: rawJson, writable: true, configurable: true });
  Object.defineProperty(person, 'raw', LAZY_RAW);
  return person as PersonAnnotation;
}
