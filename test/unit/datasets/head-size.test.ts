import { describe, expect, it } from 'vitest';
import type { MatGroundTruth } from '../../../src-main/core/types.ts';
import { headSize } from '../../../src-main/datasets/head-size.ts';

function gtWithBoxes(boxes: number[][]): MatGroundTruth {
  return {
    count: boxes.length,
    jointNames: [],
    positions1Based: new Float64Array(boxes.length * 32),
    missing: new Uint8Array(boxes.length * 16),
    headBoxes1Based: Float64Array.from(boxes.flat()),
  };
}

describe('headSize (spec §2 step 4: 0.6 × head-box diagonal)', () => {
  it('is 0.6 times the diagonal of the box of person n', () => {
    const gt = gtWithBoxes([[10, 20, 13, 24], [100, 100, 100, 110], [5, 5, 1, 2]]);
    expect(headSize(gt, 0)).toBe(3); // 0.6 × 5
    expect(headSize(gt, 1)).toBe(6); // 0.6 × 10
    expect(headSize(gt, 2)).toBe(3); // corners given in reverse order: still |diagonal|
  });

  it('takes the norm first, then multiplies by 0.6 (numpy order, bit-exact)', () => {
    const gt = gtWithBoxes([[627, 100, 706.1, 198.7]]);
    const dx = 706.1 - 627;
    const dy = 198.7 - 100;
    expect(headSize(gt, 0)).toBe(Math.sqrt(dx * dx + dy * dy) * 0.6);
  });

  it('rejects an index outside the ground truth', () => {
    const gt = gtWithBoxes([[0, 0, 1, 1]]);
    expect(() => headSize(gt, 1)).toThrow(RangeError);
    expect(() => headSize(gt, -1)).toThrow(RangeError);
  });
});
