import { describe, expect, it } from 'vitest';
import { cocoBoxCropTransform, cocoDetectedBoxCropTransform } from '../../../../src-main/inference/preprocess/coco-box.ts';
import { imageToInputPoint } from '../../../../src-main/inference/preprocess/crop-transform.ts';

const f = Math.fround;

describe('cocoBoxCropTransform (mmpose 1.x bbox_xyxy2cs + _fix_aspect_ratio + get_warp_matrix)', () => {
  it('pads by 1.25 and widens the short side to the input aspect ratio', () => {
    // box x 10..110, y 20..70 → centre (60, 45), scale (125, 62.5); input 192×256 (r = 0.75): w > h·r → h = w / r
    const t = cocoBoxCropTransform([10, 20, 100, 50], 640, 480, { width: 192, height: 256 });
    expect([t.cx, t.cy]).toEqual([60, 45]);
    expect(t.sideX).toBe(125);
    expect(t.sideY).toBe(f(125 / 0.75));
    const [x0, y0] = imageToInputPoint(t, 60, 45);
    expect(x0).toBeCloseTo(96, 9);
    expect(y0).toBeCloseTo(128, 9);
    const [xl] = imageToInputPoint(t, 60 - 62.5, 45);
    expect(xl).toBeCloseTo(0, 9);
  });
  it('widens w for tall boxes, and clips the box to the image first', () => {
    const tall = cocoBoxCropTransform([0, 0, 40, 200], 640, 480, { width: 192, height: 256 });
    expect(tall.sideY).toBe(250);
    expect(tall.sideX).toBe(f(250 * 0.75));
    // x + w beyond the image: x2 = width − 1
    const clipped = cocoBoxCropTransform([600, 400, 100, 100], 640, 480, { width: 256, height: 256 });
    expect(clipped.cx).toBe(f((600 + 639) * 0.5));
    expect(clipped.cy).toBe(f((400 + 479) * 0.5));
    expect(clipped.sideX).toBe(clipped.sideY);
    expect(clipped.sideX).toBe(f(f(79) * 1.25));
  });
  it('does not clip a detected box (mmpose _load_detection_results: float32 xywh → xyxy, no clip)', () => {
    const input = { width: 256, height: 256 };
    const det = cocoDetectedBoxCropTransform([600, 400, 100, 100], input);
    expect([det.cx, det.cy]).toEqual([650, 450]);
    expect(det.sideX).toBe(125);
    expect(det.sideY).toBe(125);
    // inside the image the two agree
    const inside = [10.3, 20.7, 100.1, 50.9] as const;
    const gt = cocoBoxCropTransform(inside, 640, 480, input);
    expect(cocoDetectedBoxCropTransform(inside, input)).toEqual(gt);
    // negative x stays negative; x2 = x + w in float32
    const left = cocoDetectedBoxCropTransform([-20.1, 5, 40.2, 80], { width: 192, height: 256 });
    expect(left.cx).toBe(f(f(f(-20.1) + f(f(-20.1) + f(40.2))) * 0.5));
  });
});
