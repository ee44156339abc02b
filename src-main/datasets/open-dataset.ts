/**
 * Opens an MPII dataset folder (mmpose or HRNet layout): person annotations from the json, ground
 * truth from the gt `.mat` (val split), and an index of the image files by `stat` only.
 * Nothing is decoded, so a 2958-person val folder opens in well under a second.
 */
import { makeWarning, PosebenchInputError, type InputWarning } from '../core/errors.ts';
import { readRegularFileSync } from '../core/regular-file.ts';
import type { DatasetLayout, DatasetSplit, ImageFileInfo, MatGroundTruth, PersonAnnotation } from '../core/types.ts';
import { readMpiiGtMat } from '../formats/mpii-gt-mat.ts';
import { parseMpiiJson, parseMpiiJsonEntry } from '../formats/mpii-json.ts';
import { detectDatasetLayout } from './dataset-layout.ts';
import { groundTruthWarnings } from './gt-warnings.ts';
import { indexImageFiles } from './image-index.ts';
import { withLazyRaw } from '../core/lazy-raw.ts';

export interface OpenDatasetOptions {
  /** Default 'val'. */
  readonly split?: DatasetSplit;
}

export interface OpenedDataset {
  /** Absolute path of the dataset folder. */
  root: string;
  layout: DatasetLayout;
  split: DatasetSplit;
  annotationFile: string;
  gtMatFile: string | null;
  imagesDir: string;
  /** 0-based; persons[n].entryIndex === n === the gt `.mat` column. */
  persons: PersonAnnotation[];
  /** From the gt `.mat` (val split), in its own 1-based convention. */
  gt: MatGroundTruth | null;
  /** Keyed by image name as written in the json; indexed by stat only, never decoded. */
  images: ReadonlyMap<string, ImageFileInfo>;
  warnings: InputWarning[];
}

export function openDataset(root: string, options: OpenDatasetOptions = {}): OpenedDataset {
  const detected = detectDatasetLayout(root, options.split ?? 'val');
  const warnings: InputWarning[] = [...detected.warnings];

  const persons = parsePersons(readTextFile(detected.annotationFile), detected.annotationFile);
  if (persons.length === 0) warnings.push(makeWarning({ file: detected.annotationFile }, 'the annotation list is empty: no persons'));

  let gt: MatGroundTruth | null = null;
  if (detected.gtMatFile !== null) {
    gt = readMpiiGtMat(detected.gtMatFile);
    if (gt.count !== persons.length) {
      // json entry n and .mat column n are the same person (spec §1.3): a count mismatch means the
      // files do not belong together, and every pairing would be wrong.
      throw new PosebenchInputError({ file: detected.gtMatFile },
        `has ${gt.count} persons but ${detected.annotationFile} has ${persons.length}; the json and the gt .mat must list the same persons in the same order`);
    }
    warnings.push(...groundTruthWarnings(gt, detected.gtMatFile));
  }

  const imageIndex = indexImageFiles(detected.imagesDir, persons, detected.annotationFile);
  warnings.push(...imageIndex.warnings);

  return {
    root: detected.root,
    layout: detected.layout,
    split: detected.split,
    annotationFile: detected.annotationFile,
    gtMatFile: detected.gtMatFile,
    imagesDir: detected.imagesDir,
    persons,
    gt,
    images: imageIndex.images,
    warnings,
  };
}

/**
 * The persons of the json, entry by entry: each entry's text is parsed and checked on its own (the
 * same parser and checks as parseMpiiJson), and its `raw` (the entry as read, needed only by export
 * and the 1.x protocol) is parsed again on first access instead of kept. A 150,000-person file no
 * longer leaves millions of small objects alive (seconds of garbage collection and hundreds of MB).
 * Anything unexpected — not a list of objects, malformed JSON, an entry that does not check — goes
 * through parseMpiiJson, so its errors are exactly parseMpiiJson's.
 */
export function parsePersons(text: string, file: string): PersonAnnotation[] {
  return parseEntryByEntry(text, file) ?? parseMpiiJson(text, file);
}

function parseEntryByEntry(text: string, file: string): PersonAnnotation[] | null {
  const ranges = topLevelObjectRanges(text);
  if (ranges === null) return null;
  const count = ranges.length / 2;
  const persons: PersonAnnotation[] = new Array<PersonAnnotation>(count);
  for (let n = 0; n < count; n++) {
    const entryText = text.slice(ranges[n * 2]!, ranges[n * 2 + 1]!);
    let parsed: PersonAnnotation;
    try {
      parsed = parseMpiiJsonEntry(JSON.parse(entryText), file, n);
    } catch {
      return null;
    }
    const { entryIndex, image, center, scale, joints, jointsVisible } = parsed;
    persons[n] = withLazyRaw({ entryIndex, image, center, scale, joints, jointsVisible }, entryText);
  }
  return persons;
}


const isJsonWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * [start, end) of each element of a top-level JSON list whose elements are all objects, as a flat
 * list; null when the text is not shaped so (the elements themselves are checked by JSON.parse).
 */
function topLevelObjectRanges(text: string): number[] | null {
  const length = text.length;
  const ranges: number[] = [];
  let i = 0;
  while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x5b /* [ */) return null;
  i++;
  while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) === 0x5d /* ] */) {
    i++;
    while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
    return i === length ? ranges : null;
  }
  for (;;) {
    if (text.charCodeAt(i) !== 0x7b /* { */) return null;
    const start = i;
    let depth = 0;
    for (; i < length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22 /* " */) {
        for (i++; i < length; i++) {
          const d = text.charCodeAt(i);
          if (d === 0x5c /* \ */) i++;
          else if (d === 0x22) break;
        }
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    if (depth !== 0) return null;
    ranges.push(start, i);
    while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    i++;
    if (c === 0x2c /* , */) {
      while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
      continue;
    }
    if (c !== 0x5d /* ] */) return null;
    while (i < length && isJsonWhitespace(text.charCodeAt(i))) i++;
    return i === length ? ranges : null;
  }
}

function readTextFile(file: string): string {
  try {
    return readRegularFileSync(file, 'annotation file').toString('utf8');
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PosebenchInputError({ file }, `cannot read file (${code})`);
  }
}
