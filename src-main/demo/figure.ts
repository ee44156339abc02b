/**
 * Articulated stick figure for the demo: a seeded random pose in MPII joint order
 * (src-main/core/joints.ts), with the pelvis at the origin, in image-pixel units.
 */
import type { Point2 } from '../core/types.ts';
import type { Prng } from './prng.ts';

export interface FigurePose {
  /** 16 joints, MPII order, relative to the pelvis (image axes: x right, y down). */
  readonly joints: Point2[];
  /** Figure height (head top to feet at rest) in pixels. */
  readonly height: number;
  readonly headCenter: Point2;
  readonly headRadius: number;
  /** Angle of the head's long axis (for the head ellipse). */
  readonly headAngle: number;
}

/** Body proportions as fractions of the figure height. */
const TORSO = 0.3;
const NECK = 0.06;
const HEAD = 0.17;
const HIP_HALF_WIDTH = 0.085;
const SHOULDER_HALF_WIDTH = 0.13;
const UPPER_ARM = 0.16;
const FOREARM = 0.15;
const THIGH = 0.23;
const SHIN = 0.23;

function along(origin: Point2, angle: number, length: number): Point2 {
  // angle 0 = straight down in the image; positive turns towards +x.
  return [origin[0] + Math.sin(angle) * length, origin[1] + Math.cos(angle) * length];
}

/** Samples a pose: upright-ish torso, legs mostly downward, arms anywhere, bent joints. */
export function sampleFigurePose(prng: Prng, height: number): FigurePose {
  const h = height;
  const torsoAngle = Math.PI + 0.28 * prng.normal(); // pointing up from the pelvis
  const upX = Math.sin(torsoAngle);
  const upY = Math.cos(torsoAngle);
  // Perpendicular pointing towards image +x when upright. A frontal figure has its right side on
  // the image's left; facing away swaps that.
  const facingAway = prng.chance(0.3);
  const side = facingAway ? 1 : -1; // multiplies the "right" offset
  const perpX = -upY;
  const perpY = upX;

  const pelvis: Point2 = [0, 0];
  const thorax = along(pelvis, torsoAngle, TORSO * h);
  const neckAngle = torsoAngle + 0.15 * prng.normal();
  const upperNeck = along(thorax, neckAngle, NECK * h);
  const headAngle = neckAngle + 0.3 * prng.normal();
  const headTop = along(upperNeck, headAngle, HEAD * h);

  const offset = (p: Point2, k: number): Point2 => [p[0] + perpX * k * h, p[1] + perpY * k * h];
  const rightHip = offset(pelvis, side * HIP_HALF_WIDTH);
  const leftHip = offset(pelvis, -side * HIP_HALF_WIDTH);
  const shoulderDrop = (p: Point2): Point2 => along(p, torsoAngle, -0.02 * h);
  const rightShoulder = shoulderDrop(offset(thorax, side * SHOULDER_HALF_WIDTH));
  const leftShoulder = shoulderDrop(offset(thorax, -side * SHOULDER_HALF_WIDTH));

  const down = torsoAngle - Math.PI;
  const leg = (hip: Point2, outward: number): [Point2, Point2] => {
    const kick = prng.chance(0.12) ? prng.uniform(0.6, 1.4) : 0;
    const thighAngle = down + outward * (prng.uniform(-0.15, 0.55) + kick);
    const knee = along(hip, thighAngle, THIGH * h);
    const bend = prng.chance(0.5) ? prng.uniform(-1.6, 0.1) : prng.uniform(-0.3, 0.3);
    const ankle = along(knee, thighAngle + outward * bend, SHIN * h);
    return [knee, ankle];
  };
  const arm = (shoulder: Point2, outward: number): [Point2, Point2] => {
    const upperAngle = down + outward * prng.uniform(-0.5, 2.9);
    const elbow = along(shoulder, upperAngle, UPPER_ARM * h);
    const wrist = along(elbow, upperAngle + prng.uniform(-2.4, 2.4), FOREARM * h);
    return [elbow, wrist];
  };
  // outward sign: +1 rotates the limb towards image +x for a positive angle offset.
  const rightOut = -side;
  const [rightKnee, rightAnkle] = leg(rightHip, -rightOut);
  const [leftKnee, leftAnkle] = leg(leftHip, rightOut);
  const [rightElbow, rightWrist] = arm(rightShoulder, -rightOut);
  const [leftElbow, leftWrist] = arm(leftShoulder, rightOut);

  const joints: Point2[] = [
    rightAnkle,
    rightKnee,
    rightHip,
    leftHip,
    leftKnee,
    leftAnkle,
    pelvis,
    thorax,
    upperNeck,
    headTop,
    rightWrist,
    rightElbow,
    rightShoulder,
    leftShoulder,
    leftElbow,
    leftWrist,
  ];
  return {
    joints,
    height: h,
    headCenter: [(upperNeck[0] + headTop[0]) / 2, (upperNeck[1] + headTop[1]) / 2],
    headRadius: (HEAD * h) / 2,
    headAngle,
  };
}
