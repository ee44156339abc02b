/** Issue 14 item 9: scatter labels never overlap each other or a point and never leave the chart (2, 3 and 7 variants). */
import { describe, expect, it } from 'vitest';
import type { ScatterPoint } from '../../../../src-main/api/contract.ts';
import { placeLabels } from '../../../../src-renderer/compare/ScatterChart.tsx';

const point = (id: string, latencyMs: number, pckh: number, spread = 0.5): ScatterPoint => ({
  variantId: id,
  variantName: `demo_${id}_256`,
  latencyMs,
  latencyP5Ms: latencyMs - spread,
  latencyP95Ms: latencyMs + spread,
  pckh,
  pareto: false,
});

// The chart's frame: 520 × 260 with margins (40, 16, 12, 34); x 0–30 ms, y 60–100 %.
const x = (v: number) => 40 + ((520 - 40 - 16) * v) / 30;
const y = (v: number) => 12 + (260 - 12 - 34) * (1 - (v - 60) / 40);

function check(points: ScatterPoint[]) {
  const labels = placeLabels(points, x, y);
  const boxes = points.map((p) => labels.get(p.variantId)!.box);
  for (const [i, box] of boxes.entries()) {
    expect(box.left, points[i]!.variantName).toBeGreaterThanOrEqual(40); // not over the y-axis numbers
    expect(box.right, points[i]!.variantName).toBeLessThanOrEqual(520);
    for (const [k, other] of boxes.entries()) {
      if (k === i) continue;
      const overlap = box.left < other.right && other.left < box.right && box.top < other.bottom && other.top < box.bottom;
      expect(overlap, `${points[i]!.variantName} / ${points[k]!.variantName}`).toBe(false);
    }
    for (const p of points) {
      const cx = x(p.latencyMs);
      const cy = y(p.pckh);
      const hitsCircle = box.left < cx + 6 && cx - 6 < box.right && box.top < cy + 6 && cy - 6 < box.bottom;
      expect(hitsCircle, `${points[i]!.variantName} over ${p.variantName}'s point`).toBe(false);
      const bar = { left: x(p.latencyP5Ms!), right: x(p.latencyP95Ms!), top: cy - 4, bottom: cy + 4 };
      const hitsBar = box.left < bar.right && bar.left < box.right && box.top < bar.bottom && bar.top < box.bottom;
      expect(hitsBar, `${points[i]!.variantName} over ${p.variantName}'s error bar`).toBe(false);
    }
  }
}

describe('placeLabels', () => {
  it('2 variants at almost the same spot, one with a bar to the right edge', () => {
    check([point('heatmap', 3.2, 92.9, 11), point('simcc', 2.2, 91.3, 3)]);
  });
  it('3 variants, the first near the left edge', () => {
    check([point('heatmap', 0.3, 92.9), point('simcc', 0.6, 92.1), point('rle', 0.9, 91.5)]);
  });
  it('7 variants packed together', () => {
    check(Array.from({ length: 7 }, (_, i) => point(`v${i}`, 10 + 0.4 * i, 80 + 0.5 * i, 2)));
  });
});
