/**
 * Renders one demo person image: a cluttered textured background, an articulated figure with
 * textured capsule limbs, a joint-coloured marker disc at each joint, and sometimes an occluding box
 * or a figure partly out of frame. Returns the pixels and the MPII-style annotation (1-based).
 */
import { MPII_JOINT_COUNT, MPII_SKELETON } from '../core/joints.ts';
import type { Point2 } from '../core/types.ts';
import { sampleFigurePose } from './figure.ts';
import { HARD_JOINTS, HARD_MARKER_RADIUS_FRACTION, MARKER_COLORS, MARKER_RADIUS_FRACTION, type Rgb } from './marker-colors.ts';
import type { Prng } from './prng.ts';
import { createImage, fillAll, fillCapsule, fillDisc, fillEllipse, fillRect, type RgbImage, type Texture } from './raster.ts';

export interface DemoPersonAnnotation {
  /** 16 joints, 1-based pixels (MATLAB convention), [-1, -1] when out of frame. */
  readonly joints1Based: Point2[];
  /** 1 = annotated (in frame, possibly occluded), 0 = missing. */
  readonly visible: number[];
  /** 1-based body centre, MPII style. */
  readonly center1Based: Point2;
  /** Person scale = box side / 200 (MPII pixel_std). */
  readonly scale: number;
  /** 1-based head box [x1, y1, x2, y2]. */
  readonly headBox1Based: [number, number, number, number];
  /** Joint indices hidden under an occluder (annotated all the same). */
  readonly occludedJoints: number[];
}

export interface DemoScene {
  readonly image: RgbImage;
  readonly annotation: DemoPersonAnnotation;
}

const IMAGE_SIZES: readonly (readonly [number, number])[] = [
  [320, 320],
  [352, 288],
  [288, 352],
];
const SKIN_TONES: readonly Rgb[] = [
  [198, 150, 122],
  [160, 112, 84],
  [118, 84, 62],
  [222, 192, 170],
];

const round2 = (v: number): number => Math.round(v * 100) / 100;

/** A muted colour (low saturation) so it stays far from the saturated marker colours. */
function mutedColor(prng: Prng): Rgb {
  const value = prng.uniform(60, 205);
  const saturation = prng.uniform(0.05, 0.35);
  const hue = prng.uniform(0, 6);
  const c = value * saturation;
  const x = c * (1 - Math.abs((hue % 2) - 1));
  const m = value - c;
  const sector = Math.floor(hue);
  const [r, g, b] =
    sector === 0 ? [c, x, 0] : sector === 1 ? [x, c, 0] : sector === 2 ? [0, c, x] : sector === 3 ? [0, x, c] : sector === 4 ? [x, 0, c] : [c, 0, x];
  return [r + m, g + m, b + m];
}

/** A colour at distance ~`distance` (0–255 units) from `base`, in a random direction. */
function nearColor(prng: Prng, base: Rgb, distance: number): Rgb {
  const dx = prng.normal();
  const dy = prng.normal();
  const dz = prng.normal();
  const n = Math.hypot(dx, dy, dz) || 1;
  return [base[0] + (dx / n) * distance, base[1] + (dy / n) * distance, base[2] + (dz / n) * distance];
}

function scaleColor(c: Rgb, k: number, noise: number): Rgb {
  return [c[0] * k + noise, c[1] * k + noise, c[2] * k + noise];
}

function stripedTexture(prng: Prng, color: Rgb, width: number): Texture {
  const period = prng.uniform(3, 9);
  const contrast = prng.uniform(0.08, 0.25);
  return (_x, _y, u, v) => {
    const across = Math.min(1, Math.abs(v) / width);
    const shade = (1 - contrast + contrast * Math.sin((u / period) * 2 * Math.PI)) * (1 - 0.3 * across * across);
    return scaleColor(color, shade, 0);
  };
}

function checkerTexture(prng: Prng, a: Rgb, b: Rgb): Texture {
  const cell = prng.int(3, 10);
  return (_x, _y, u, v) => ((Math.floor(u / cell) + Math.floor(v / cell)) % 2 === 0 ? a : b);
}

function renderBackground(prng: Prng, image: RgbImage): void {
  const a = mutedColor(prng);
  const b = mutedColor(prng);
  const fx = prng.uniform(0.01, 0.06);
  const fy = prng.uniform(0.01, 0.06);
  const phase = prng.uniform(0, 6.28);
  const noiseAmp = prng.uniform(4, 14);
  fillAll(image, (x, y) => {
    const t = 0.5 + 0.5 * Math.sin(x * fx + phase) * Math.cos(y * fy);
    const noise = (prng.next() - 0.5) * noiseAmp;
    return [a[0] + (b[0] - a[0]) * t + noise, a[1] + (b[1] - a[1]) * t + noise, a[2] + (b[2] - a[2]) * t + noise];
  });
  const patches = prng.int(4, 10);
  for (let i = 0; i < patches; i++) {
    const x0 = prng.uniform(-20, image.width);
    const y0 = prng.uniform(-20, image.height);
    const w = prng.uniform(15, 110);
    const h = prng.uniform(15, 110);
    const texture = prng.chance(0.5) ? checkerTexture(prng, mutedColor(prng), mutedColor(prng)) : stripedTexture(prng, mutedColor(prng), 1e9);
    if (prng.chance(0.5)) fillRect(image, x0, y0, x0 + w, y0 + h, texture);
    else fillEllipse(image, x0, y0, w / 2, h / 2, prng.uniform(0, 3.14), texture);
  }
  // Distractors: small discs of marker-like colours. Near-wrist/ankle colours are the common ones
  // (hard joints), other markers' colours appear further off (spec of the demo: wrists/ankles hardest).
  const distractors = prng.int(2, 7);
  for (let i = 0; i < distractors; i++) {
    const hard = prng.chance(0.7);
    const joint = hard ? prng.pick(HARD_JOINTS) : prng.int(0, MPII_JOINT_COUNT - 1);
    const marker = MARKER_COLORS[joint] ?? [0, 0, 0];
    const color = nearColor(prng, marker, hard ? prng.uniform(40, 80) : prng.uniform(75, 120));
    fillDisc(image, prng.uniform(0, image.width), prng.uniform(0, image.height), prng.uniform(2, 5), () => color);
  }
}

const ARM_HALF_WIDTH = 0.05;
const LEG_HALF_WIDTH = 0.065;

function renderFigure(prng: Prng, image: RgbImage, joints: Point2[], height: number, headCenter: Point2, headRadius: number, headAngle: number): void {
  const shirt = mutedColor(prng);
  const trousers = mutedColor(prng);
  const skin = prng.pick(SKIN_TONES);
  const get = (j: number): Point2 => joints[j] ?? [0, 0];
  // Torso: a wide capsule from pelvis to thorax, then limbs (legs first, arms on top).
  const torsoWidth = 0.09 * height;
  fillCapsule(image, ...get(6), ...get(7), torsoWidth, stripedTexture(prng, shirt, torsoWidth));
  fillCapsule(image, ...get(7), ...get(8), 0.035 * height, stripedTexture(prng, skin, 0.035 * height));
  const legBones = MPII_SKELETON.filter(([a, b]) => a <= 5 && b <= 6 && !(a === 2 && b === 6) && !(a === 3 && b === 6));
  const armBones = MPII_SKELETON.filter(([a, b]) => a >= 10 && b >= 10);
  for (const [a, b] of [[2, 3] as const, ...legBones]) {
    const w = LEG_HALF_WIDTH * height;
    fillCapsule(image, ...get(a), ...get(b), w, stripedTexture(prng, trousers, w));
  }
  for (const [a, b] of [[12, 13] as const, ...armBones]) {
    const w = ARM_HALF_WIDTH * height;
    fillCapsule(image, ...get(a), ...get(b), w, stripedTexture(prng, a === 10 || b === 15 ? skin : shirt, w));
  }
  fillEllipse(image, headCenter[0], headCenter[1], headRadius, headRadius * 0.78, headAngle + Math.PI / 2, stripedTexture(prng, skin, headRadius));
}

function renderMarkers(image: RgbImage, joints: Point2[], height: number): void {
  joints.forEach((joint, j) => {
    const hard = HARD_JOINTS.includes(j);
    const radius = Math.max(1.6, height * (hard ? HARD_MARKER_RADIUS_FRACTION : MARKER_RADIUS_FRACTION));
    const color = MARKER_COLORS[j] ?? [0, 0, 0];
    fillDisc(image, joint[0], joint[1], radius, () => color);
  });
}

/** Renders one scene from `prng` (consumes a deterministic number of draws per decision). */
export function renderDemoScene(prng: Prng): DemoScene {
  const [width, imageHeight] = prng.pick(IMAGE_SIZES);
  const image = createImage(width, imageHeight);
  renderBackground(prng, image);

  const height = prng.uniform(110, 0.78 * Math.min(width, imageHeight));
  const pose = sampleFigurePose(prng, height);
  const xs = pose.joints.map((p) => p[0]);
  const ys = pose.joints.map((p) => p[1]);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  const boxW = maxX - minX;
  const boxH = maxY - minY;
  // Usually fully in frame; sometimes pushed past an edge so a few joints are missing.
  const partial = prng.chance(0.15);
  const slackX = partial ? 0.35 * boxW : -0.06 * height;
  const slackY = partial ? 0.35 * boxH : -0.06 * height;
  const placeX = (lo: number, hi: number): number => (lo <= hi ? prng.uniform(lo, hi) : (lo + hi) / 2);
  const offsetX = placeX(-minX - slackX, width - 1 - maxX + slackX);
  const offsetY = placeX(-minY - slackY, imageHeight - 1 - maxY + slackY);
  // Rounded to 0.01 px before drawing so the annotation is exactly what was drawn.
  const joints: Point2[] = pose.joints.map((p) => [round2(p[0] + offsetX), round2(p[1] + offsetY)]);
  const headCenter: Point2 = [pose.headCenter[0] + offsetX, pose.headCenter[1] + offsetY];

  renderFigure(prng, image, joints, height, headCenter, pose.headRadius, pose.headAngle);
  renderMarkers(image, joints, height);

  const occludedJoints: number[] = [];
  if (prng.chance(0.3)) {
    const target = prng.pick([0, 1, 4, 5, 10, 11, 14, 15]);
    const at = joints[target] ?? [0, 0];
    const side = prng.uniform(0.1, 0.16) * height;
    const cx = at[0] + prng.uniform(-0.25, 0.25) * side;
    const cy = at[1] + prng.uniform(-0.25, 0.25) * side;
    fillRect(image, cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, checkerTexture(prng, mutedColor(prng), mutedColor(prng)));
    joints.forEach((p, j) => {
      if (Math.abs(p[0] - cx) <= side / 2 && Math.abs(p[1] - cy) <= side / 2) occludedJoints.push(j);
    });
  }

  const inFrame = (p: Point2): boolean => p[0] >= 0 && p[0] <= width - 1 && p[1] >= 0 && p[1] <= imageHeight - 1;
  const visible = joints.map((p) => (inFrame(p) ? 1 : 0));
  const joints1Based: Point2[] = joints.map((p) => (inFrame(p) ? [round2(p[0] + 1), round2(p[1] + 1)] : [-1, -1]));

  // MPII-like centre/scale: centre = box centre; the mmpose crop (spec §4.1: centre moved down by
  // 15·s, side 250·s) must hold the figure, which needs 110·s ≥ half the box height.
  const margin = 0.05 * height;
  const side = Math.max(boxW, boxH) + 2 * margin;
  const scale = Math.round((side / 200) * 1.1 * 10000) / 10000;
  const center1Based: Point2 = [round2((minX + maxX) / 2 + offsetX + 1), round2((minY + maxY) / 2 + offsetY + 1)];
  const r = pose.headRadius;
  const headBox1Based: [number, number, number, number] = [
    round2(headCenter[0] - r + 1),
    round2(headCenter[1] - r + 1),
    round2(headCenter[0] + r + 1),
    round2(headCenter[1] + r + 1),
  ];
  return { image, annotation: { joints1Based, visible, center1Based, scale, headBox1Based, occludedJoints } };
}
