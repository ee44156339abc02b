/**
 * Export to the mmpose/HRNet MPII json (spec §1.3): a list of `{joints_vis, joints, image, scale,
 * center}` entries in 1-based pixels, `[-1, -1]` with `joints_vis` 0 for a joint that is not annotated.
 *
 * Each entry keeps the key order and every field of the entry as read (`raw`); only the corrected
 * joints change. Coordinates that were not corrected are written back exactly as read (no -1/+1 float
 * round trip), so with no corrections the exported entries deep-equal the source entries. The text
 * follows Python's `json.dumps` style (python-json.ts) and, given the source's layout, reproduces an
 * unchanged source file byte for byte.
 */
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PersonAnnotation } from '../core/types.ts';
import { mpiiJsonEntryFromPerson } from '../formats/mpii-json.ts';
import { COMPACT_PYTHON_LAYOUT, PythonFloat, pythonJsonListChunks, type PythonJsonLayout, type PythonJsonValue } from './python-json.ts';

/** Fields the MPII json always holds as floats (spec §1.3); they are printed as floats (`804.0`). */
const FLOAT_FIELDS = new Set(['center', 'scale', 'joints']);

/**
 * The 1-based json entry of a (possibly corrected) person. Builds on mpiiJsonEntryFromPerson and
 * additionally keeps a source joint that had `joints_vis` 0 with real coordinates as read (the parser
 * treats it as missing, which would otherwise turn its coordinates into [-1, -1]).
 */
export function mpiiJsonExportEntry(person: PersonAnnotation, computedJoints?: ReadonlySet<number>): Record<string, unknown> {
  const entry = mpiiJsonEntryFromPerson(person);
  const rawJoints = person.raw.joints;
  const rawVisible = person.raw.joints_vis;
  if (!Array.isArray(entry.joints)) return entry;
  const joints = entry.joints as unknown[];
  if (Array.isArray(rawJoints) && Array.isArray(rawVisible)) {
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const rawPoint: unknown = rawJoints[j];
      if (person.joints[j] === null && rawVisible[j] === 0 && Array.isArray(rawPoint) && rawPoint.length === 2) {
        joints[j] = [...(rawPoint as unknown[])];
      }
    }
  }
  // A joint a correction placed (a drag gives 1209.2106832851102) is written rounded; every other
  // coordinate stays as read.
  for (const j of computedJoints ?? []) {
    const point = joints[j];
    if (person.joints[j] != null && Array.isArray(point) && point.length === 2) {
      joints[j] = point.map((v: unknown) => (typeof v === 'number' ? roundExportCoordinate(v) : v));
    }
  }
  return entry;
}

/** Decimals kept for a corrected coordinate (1/1000 px; MPII's own annotations are whole pixels). */
export const EXPORT_DECIMALS = 3;

/** A corrected coordinate as exported: at most EXPORT_DECIMALS decimals, integers unchanged. */
export function roundExportCoordinate(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return value;
  const scale = 10 ** EXPORT_DECIMALS;
  const rounded = Math.round(value * scale) / scale;
  return Object.is(rounded, -0) ? 0 : rounded;
}

/** Marks the float fields of an entry so they print as Python floats; other values are kept. */
export function toPythonJsonEntry(entry: Record<string, unknown>): PythonJsonValue {
  const out: Record<string, PythonJsonValue> = {};
  for (const [key, value] of Object.entries(entry)) out[key] = toPythonValue(value, FLOAT_FIELDS.has(key));
  return out;
}

function toPythonValue(value: unknown, asFloat: boolean): PythonJsonValue {
  if (typeof value === 'number') return asFloat ? new PythonFloat(value) : value;
  if (Array.isArray(value)) return value.map((item) => toPythonValue(item, asFloat));
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'object') {
    const out: Record<string, PythonJsonValue> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[key] = toPythonValue(item, false);
    return out;
  }
  throw new TypeError(`cannot write a ${typeof value} in JSON`);
}

/** The exported entries, in dataset order (entry n = gt `.mat` column n). */
export function mpiiJsonExportEntries(persons: readonly PersonAnnotation[]): Record<string, unknown>[] {
  return persons.map((person) => mpiiJsonExportEntry(person));
}

/** The json text, in chunks of one entry, laid out like `layout` (default: `json.dumps` one-liner). */
export function mpiiJsonExportChunks(
  persons: readonly PersonAnnotation[],
  layout: PythonJsonLayout = COMPACT_PYTHON_LAYOUT,
  computedJoints?: ReadonlyMap<number, ReadonlySet<number>>,
): Generator<string> {
  function* entries(): Generator<PythonJsonValue> {
    for (const person of persons) yield toPythonJsonEntry(mpiiJsonExportEntry(person, computedJoints?.get(person.entryIndex)));
  }
  return pythonJsonListChunks(entries(), layout);
}

export function mpiiJsonExportText(persons: readonly PersonAnnotation[], layout: PythonJsonLayout = COMPACT_PYTHON_LAYOUT): string {
  return [...mpiiJsonExportChunks(persons, layout)].join('');
}
