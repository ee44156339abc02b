/**
 * The geometry every part of posebench shares (../shared/specs/mmpose-mpii.md): head size, the PCKh
 * tolerance, the person crop box. Pure (no Node, no DOM): evaluation, inference, the engine and the
 * renderer all take these from here, so the number drawn is the number scored.
 */
import type { PersonAnnotation, Point2 } from './types.ts';

/** SC_BIAS: head size = 0.6 × head-box diagonal (spec §0 item 2, §2 step 4). */
export const HEAD_SIZE_FACTOR = 0.6;
/** PCKh's threshold: a joint is a hit within 0.5 head sizes (spec §2). */
export const PCKH_THRESHOLD = 0.5;
/** spec §4.1: pixel_std, the size a scale of 1 stands for. */
export const PIXEL_STD = 200;
/** spec §4.1: the test-time padding of the person box (×1.25). */
export const TEST_PADDING = 1.25;
/** spec §4.1: the MPII centre is moved down by 15·scale before cropping. */
export const CENTER_Y_SHIFT = 15;

/**
 * Head size of a box [x1, y1, x2, y2] in any one coordinate base: 0.6 × the diagonal, the norm taken
 * first in float64 as `sqrt(dx² + dy²)` (spec §2 step 4: numpy's norm of a 2-vector), so that the
 * evaluation's head sizes are bit-exact and every view shows the same value.
 */
export function headSizeOfBox(x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  return Math.sqrt(dx * dx + dy * dy) * HEAD_SIZE_FACTOR;
}

/** Radius of the PCKh tolerance circle around a GT joint, in pixels. */
export function toleranceRadius(headSize: number, threshold: number = PCKH_THRESHOLD): number {
  return threshold * headSize;
}

/**
 * The square the model sees, unrounded, in float64 (spec §4.1): centre (cx, cy + 15·s), side
 * 1.25 · 200 · s. A json centre of [-1, -1] (0-based null) gives mmpose's (−2, −2) centre with no
 * shift, as the run's crop does. (The warp itself builds this box in float32 like mmpose 0.x:
 * crop-transform.ts; the two differ by float32 rounding only.)
 */
export function personCropSquare(person: Pick<PersonAnnotation, 'center' | 'scale'>): { readonly cx: number; readonly cy: number; readonly side: number } {
  if (person.center === null) return { cx: -2, cy: -2, side: TEST_PADDING * PIXEL_STD * person.scale };
  return { cx: person.center[0], cy: person.center[1] + CENTER_Y_SHIFT * person.scale, side: TEST_PADDING * PIXEL_STD * person.scale };
}

/** Square crop box [x0, y0, side] in 0-based image pixels. */
export type PersonCropBox = readonly [x0: number, y0: number, side: number];

/**
 * The square the top-down pipeline crops around a person (spec §0.5, §4.1): centre (cx, cy + 15·s),
 * side 1.25 · 200 · s, in float64 for display (the warp itself rounds like mmpose: crop-transform.ts).
 * A person without a centre or scale (json [-1, -1]) gets a box around its annotated joints instead,
 * for showing it; such a person is not cropped like this by any run.
 */
export function personCropBox(person: Pick<PersonAnnotation, 'center' | 'scale' | 'joints'>): PersonCropBox {
  const side = TEST_PADDING * PIXEL_STD * person.scale;
  if (person.center === null || !(side > 0)) {
    const known = person.joints.filter((p): p is Point2 => p !== null);
    if (known.length === 0) return [0, 0, 256];
    const xs = known.map((p) => p[0]);
    const ys = known.map((p) => p[1]);
    const x0 = Math.min(...xs);
    const y0 = Math.min(...ys);
    const s = Math.max(Math.max(...xs) - x0, Math.max(...ys) - y0, 32) * 1.3;
    return [round1((x0 + Math.max(...xs)) / 2 - s / 2), round1((y0 + Math.max(...ys)) / 2 - s / 2), round1(s)];
  }
  const cx = person.center[0];
  const cy = person.center[1] + CENTER_Y_SHIFT * person.scale;
  return [round1(cx - side / 2), round1(cy - side / 2), round1(side)];
}

/** Whether a point lies inside a crop box (edges included). */
export function insideCropBox(box: PersonCropBox, x: number, y: number): boolean {
  return x >= box[0] && y >= box[1] && x <= box[0] + box[2] && y <= box[1] + box[2];
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
