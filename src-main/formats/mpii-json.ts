/**
 * MPII person annotations in the mmpose / HRNet json format (../shared/specs/mmpose-mpii.md §1.3):
 * a list of `{image, center, scale, joints[16][2], joints_vis[16]}` in 1-based (MATLAB) pixels,
 * `[-1, -1]` for a joint that is not annotated.
 *
 * Parsing is strict: anything malformed is a PosebenchInputError naming the file, the entry index
 * and the field, because a silently skipped person would shift every later json/.mat column pair.
 */
import { PosebenchInputError } from '../core/errors.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import { printableExcerpt } from '../core/printable-excerpt.ts';
import type { PersonAnnotation, Point2 } from '../core/types.ts';
import { parseJsonText } from './json-text.ts';

// Moved to json-text.ts (shared with the model sidecar and prediction files); re-exported for callers.
export { describeTextOffset, findJsonSyntaxErrorOffset, parseJsonText } from './json-text.ts';

/** The json marker for "no value" (missing joint, missing centre). */
const MISSING_COORDINATE = -1;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return `a ${typeof value}`;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function readPair(value: unknown, file: string, entry: number, field: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    const got = Array.isArray(value) ? `an array of ${value.length}` : typeName(value);
    throw new PosebenchInputError({ file, entry, field }, `expected [x, y] (2 numbers), got ${got}`);
  }
  const [x, y] = value as unknown[];
  if (!isFiniteNumber(x) || !isFiniteNumber(y)) {
    const bad = isFiniteNumber(x) ? y : x;
    throw new PosebenchInputError({ file, entry, field }, `expected finite numbers, got ${typeName(bad)}`);
  }
  return [x, y];
}

/**
 * An image name must stay inside the images folder: a relative path without `..` segments.
 * (The web host serves images by these names, so this is also a safety check.)
 */
function readImageName(value: unknown, file: string, entry: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PosebenchInputError({ file, entry, field: 'image' }, `expected a non-empty file name string, got ${typeName(value)}`);
  }
  const segments = value.split(/[\\/]/);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value) || segments.includes('..')) {
    throw new PosebenchInputError({ file, entry, field: 'image' }, `image name "${printableExcerpt(value)}" must be a path relative to the images folder`);
  }
  return value;
}

/** Converts one json entry (1-based) to a PersonAnnotation (0-based). Throws on any malformed field. */
export function parseMpiiJsonEntry(value: unknown, file: string, entryIndex: number): PersonAnnotation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PosebenchInputError({ file, entry: entryIndex }, `expected an object {image, center, scale, joints, joints_vis}, got ${typeName(value)}`);
  }
  const raw = value as Record<string, unknown>;
  for (const field of ['image', 'center', 'scale', 'joints', 'joints_vis']) {
    if (!(field in raw)) throw new PosebenchInputError({ file, entry: entryIndex, field }, 'missing field');
  }

  const image = readImageName(raw.image, file, entryIndex);

  // spec §2.3: mmpose keeps a [-1,-1] centre as "no centre"; otherwise centre - 1 is 0-based.
  const [cx, cy] = readPair(raw.center, file, entryIndex, 'center');
  const center: Point2 | null = cx === MISSING_COORDINATE && cy === MISSING_COORDINATE ? null : [cx - 1, cy - 1];

  const scale = raw.scale;
  if (!isFiniteNumber(scale)) {
    throw new PosebenchInputError({ file, entry: entryIndex, field: 'scale' }, `expected a finite number, got ${typeName(scale)}`);
  }
  if (center !== null && scale <= 0) {
    throw new PosebenchInputError({ file, entry: entryIndex, field: 'scale' }, `expected a positive person scale, got ${scale}`);
  }

  const jointsValue = raw.joints;
  if (!Array.isArray(jointsValue) || jointsValue.length !== MPII_JOINT_COUNT) {
    const got = Array.isArray(jointsValue) ? `${jointsValue.length} joints` : typeName(jointsValue);
    throw new PosebenchInputError({ file, entry: entryIndex, field: 'joints' }, `expected ${MPII_JOINT_COUNT} joints, got ${got}`);
  }
  const visValue = raw.joints_vis;
  if (!Array.isArray(visValue) || visValue.length !== MPII_JOINT_COUNT) {
    const got = Array.isArray(visValue) ? `${visValue.length} values` : typeName(visValue);
    throw new PosebenchInputError({ file, entry: entryIndex, field: 'joints_vis' }, `expected ${MPII_JOINT_COUNT} values, got ${got}`);
  }

  const jointsVisible: number[] = new Array<number>(MPII_JOINT_COUNT);
  const joints: (Point2 | null)[] = new Array<Point2 | null>(MPII_JOINT_COUNT);
  for (let j = 0; j < MPII_JOINT_COUNT; j++) {
    const vis: unknown = visValue[j];
    if (!isFiniteNumber(vis)) {
      throw new PosebenchInputError({ file, entry: entryIndex, field: `joints_vis[${j}]` }, `expected a number (0/1), got ${typeName(vis)}`);
    }
    jointsVisible[j] = vis;
    const [x, y] = readPair(jointsValue[j], file, entryIndex, `joints[${j}]`);
    // spec §1.3: [-1,-1] goes with joints_vis 0 and means "not annotated"; either marks the joint missing.
    const missing = (x === MISSING_COORDINATE && y === MISSING_COORDINATE) || vis === 0;
    joints[j] = missing ? null : [x - 1, y - 1];
  }

  return { entryIndex, image, center, scale, joints, jointsVisible, raw };
}

/** Parses the text of an MPII json annotation file. `file` is used in error messages. */
export function parseMpiiJson(text: string, file: string): PersonAnnotation[] {
  const data = parseJsonText(text, file);
  if (!Array.isArray(data)) {
    throw new PosebenchInputError({ file }, `expected a JSON list of person entries at the top level, got ${typeName(data)}`);
  }
  const persons: PersonAnnotation[] = new Array<PersonAnnotation>(data.length);
  for (let n = 0; n < data.length; n++) persons[n] = parseMpiiJsonEntry(data[n], file, n);
  return persons;
}

/**
 * The json entry (1-based) for a person, for export. Fields other than the five known ones, and the
 * key order, come from `raw`; a joint that is null is written as [-1,-1] with joints_vis 0.
 * A coordinate that was not changed is written back exactly as read (no float round trip).
 */
export function mpiiJsonEntryFromPerson(person: PersonAnnotation): Record<string, unknown> {
  const rawJoints = Array.isArray(person.raw.joints) ? (person.raw.joints as unknown[]) : [];
  const joints = person.joints.map((p, j) => toOneBased(p, rawJoints[j]));
  const jointsVis = person.joints.map((p, j) => (p === null ? 0 : (person.jointsVisible[j] ?? 1)));
  const center = toOneBased(person.center, person.raw.center);
  return { ...person.raw, image: person.image, center, scale: person.scale, joints, joints_vis: jointsVis };
}

function toOneBased(point: Point2 | null, rawPoint: unknown): [number, number] {
  if (point === null) return [MISSING_COORDINATE, MISSING_COORDINATE];
  if (Array.isArray(rawPoint) && rawPoint.length === 2) {
    const [rx, ry] = rawPoint as unknown[];
    if (typeof rx === 'number' && typeof ry === 'number' && rx - 1 === point[0] && ry - 1 === point[1]) return [rx, ry];
  }
  return [point[0] + 1, point[1] + 1];
}
