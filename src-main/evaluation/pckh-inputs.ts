/**
 * Inputs of the PCKh computation, in the protocol's own conventions (spec §2, §3):
 * predictions are 0-based float32 image pixels (as mmpose's `preds`), GT and head boxes are the
 * 1-based values of the `.mat` (0.x) or the json (1.x GT/visibility).
 */
import { PosebenchInputError } from '../core/errors.ts';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { MatGroundTruth, PckhProtocol, PersonAnnotation } from '../core/types.ts';

export interface PckhInputs {
  /** 'mmpose0x' (TopDownMpiiDataset.evaluate, spec §2) or 'mmpose1x' (MpiiPCKAccuracy, spec §3). */
  protocol: PckhProtocol;
  /** N persons. */
  instanceCount: number;
  /** N*16*2, index (n*16 + j)*2 + axis; (x, y) in 0-based image pixels, float32 like mmpose's preds. */
  predictions0Based: Float32Array;
  /**
   * N*16*2, same layout, 1-based. 0.x: `.mat` pos_gt_src (float64). 1.x: json joints; the 1.x
   * computation rounds them to float32 itself (spec §3 (b)).
   */
  gtPositions1Based: Float64Array;
  /** N*16, index n*16 + j; nonzero = evaluated. 0.x: 1 - jnt_missing; 1.x: json joints_vis. */
  visible: Uint8Array;
  /** N*4, index n*4 + {0: x1, 1: y1, 2: x2, 3: y2}, from the `.mat` headboxes_src (both protocols). */
  headBoxes1Based: Float64Array;
  /**
   * Length 16. false = the model has no output for this joint (e.g. COCO models have no pelvis,
   * thorax, upper_neck, head_top): it is left out of the Mean like joints 6 and 7, and reported as null.
   */
  jointPredicted?: readonly boolean[];
}

/**
 * Prediction values from a file to 0-based float32 pixels (EXPECTED.md of the reference predictions):
 * values are float32; for 1-based files 1 is subtracted in float32 (`fround(fround(v) - 1)`), so that the
 * protocol's float32 `+1` (spec §2.1) gives back the file's value.
 */
export function predictionsFromBase(values: ArrayLike<number>, base: 0 | 1): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const single = Math.fround(values[i]!);
    // Storing into a Float32Array rounds to float32, i.e. this is a float32 subtraction.
    out[i] = base === 1 ? single - 1 : single;
  }
  return out;
}

export interface PckhInputSourceNames {
  /** Names used in error messages (no file is read here). */
  predictions?: string;
  groundTruth?: string;
  annotations?: string;
}

export interface BuildPckhInputsArgs {
  protocol: PckhProtocol;
  persons: readonly PersonAnnotation[];
  gt: MatGroundTruth;
  predictions0Based: Float32Array;
  jointPredicted?: readonly boolean[];
  sources?: PckhInputSourceNames;
}

const MISSING_JSON_COORDINATE = -1;

/**
 * Assembles PckhInputs: 0.x takes GT and visibility from the `.mat` (spec §2 steps 2–3, §2.2),
 * 1.x from the json persons (spec §3); head boxes always come from the `.mat`.
 * Throws PosebenchInputError when the person counts of the sources differ.
 */
export function buildPckhInputs(args: BuildPckhInputsArgs): PckhInputs {
  const { protocol, persons, gt, predictions0Based } = args;
  const names = {
    predictions: args.sources?.predictions ?? 'predictions',
    groundTruth: args.sources?.groundTruth ?? 'ground-truth .mat',
    annotations: args.sources?.annotations ?? 'annotation json',
  };
  const n = gt.count;
  if (gt.headBoxes1Based.length !== n * 4) {
    throw new PosebenchInputError(
      { file: names.groundTruth, field: 'headboxes_src' },
      `expected ${n * 4} head box values for ${n} persons, got ${gt.headBoxes1Based.length}`,
    );
  }
  if (predictions0Based.length !== n * MPII_JOINT_COUNT * 2) {
    const got = predictions0Based.length / (MPII_JOINT_COUNT * 2);
    throw new PosebenchInputError(
      { file: names.predictions },
      `holds ${Number.isInteger(got) ? `predictions for ${got} persons` : `${predictions0Based.length} values, not a whole number of persons (16 joints x 2)`} but ${names.groundTruth} has ${n} persons`,
    );
  }
  if (persons.length !== n) {
    throw new PosebenchInputError(
      { file: names.annotations },
      `has ${persons.length} persons but ${names.groundTruth} has ${n}; they must list the same persons in the same order`,
    );
  }
  checkJointPredicted(args.jointPredicted);

  let gtPositions1Based: Float64Array;
  let visible: Uint8Array;
  if (protocol === 'mmpose0x') {
    if (gt.positions1Based.length !== n * MPII_JOINT_COUNT * 2 || gt.missing.length !== n * MPII_JOINT_COUNT) {
      throw new PosebenchInputError(
        { file: names.groundTruth, field: 'pos_gt_src/jnt_missing' },
        `expected ${n} persons x ${MPII_JOINT_COUNT} joints in pos_gt_src and jnt_missing`,
      );
    }
    gtPositions1Based = gt.positions1Based;
    visible = new Uint8Array(n * MPII_JOINT_COUNT);
    // spec §2 step 2: visible = 1 - jnt_missing.
    for (let i = 0; i < visible.length; i++) visible[i] = gt.missing[i] === 0 ? 1 : 0;
  } else {
    gtPositions1Based = new Float64Array(n * MPII_JOINT_COUNT * 2);
    visible = new Uint8Array(n * MPII_JOINT_COUNT);
    for (let p = 0; p < n; p++) fillJsonGroundTruth(persons[p]!, p, names.annotations, gtPositions1Based, visible);
  }

  const inputs: PckhInputs = {
    protocol,
    instanceCount: n,
    predictions0Based,
    gtPositions1Based,
    visible,
    headBoxes1Based: gt.headBoxes1Based,
  };
  if (args.jointPredicted !== undefined) inputs.jointPredicted = args.jointPredicted;
  return inputs;
}

/**
 * spec §3: 1.x GT = json joints (1-based, missing = [-1,-1]) and mask = json joints_vis.
 * A joint is taken from the entry's raw json value when it is still the one the 0-based point came
 * from (no float round trip through -1/+1); an edited point is converted with +1.
 */
function fillJsonGroundTruth(person: PersonAnnotation, p: number, file: string, gt: Float64Array, visible: Uint8Array): void {
  if (person.joints.length !== MPII_JOINT_COUNT) {
    throw new PosebenchInputError({ file, entry: person.entryIndex, field: 'joints' }, `expected ${MPII_JOINT_COUNT} joints, got ${person.joints.length}`);
  }
  const rawJoints = Array.isArray(person.raw.joints) ? (person.raw.joints as unknown[]) : [];
  for (let j = 0; j < MPII_JOINT_COUNT; j++) {
    const base = (p * MPII_JOINT_COUNT + j) * 2;
    const point = person.joints[j] ?? null;
    const vis = person.jointsVisible[j] ?? 0;
    visible[p * MPII_JOINT_COUNT + j] = vis !== 0 ? 1 : 0;
    if (point === null) {
      gt[base] = MISSING_JSON_COORDINATE;
      gt[base + 1] = MISSING_JSON_COORDINATE;
      continue;
    }
    const rawPoint = rawJoints[j];
    if (Array.isArray(rawPoint) && rawPoint.length === 2) {
      const [rx, ry] = rawPoint as unknown[];
      if (typeof rx === 'number' && typeof ry === 'number' && rx - 1 === point[0] && ry - 1 === point[1]) {
        gt[base] = rx;
        gt[base + 1] = ry;
        continue;
      }
    }
    gt[base] = point[0] + 1;
    gt[base + 1] = point[1] + 1;
  }
}

export function checkJointPredicted(jointPredicted: readonly boolean[] | undefined): void {
  if (jointPredicted !== undefined && jointPredicted.length !== MPII_JOINT_COUNT) {
    throw new RangeError(`jointPredicted must have ${MPII_JOINT_COUNT} entries, got ${jointPredicted.length}`);
  }
}
