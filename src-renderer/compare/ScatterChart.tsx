import { memo } from 'react';
import type { Interval, ScatterPoint } from '../../src-main/api/contract.ts';

/** A variant's PCKh bootstrap interval (issue 16), when known. */
export type PckhInterval = (variantId: string) => Interval | undefined;
const noInterval: PckhInterval = () => undefined;

/** The interval's ends when both are known. */
function ends(ci: Interval | undefined): readonly [number, number] | null {
  return ci !== undefined && ci[0] !== null && ci[1] !== null ? [ci[0], ci[1]] : null;
}

const WIDTH = 520;
const HEIGHT = 260;
const M = { left: 40, right: 16, top: 12, bottom: 34 };

/**
 * Latency (x) vs PCKh (y); Pareto-optimal points joined by a step line and drawn filled. Each point's
 * p5–p95 latency range is a horizontal error bar, so overlapping bars say the speed order is noise;
 * with `pckhInterval`, its PCKh bootstrap interval is a vertical one (the same reading for accuracy).
 */
export const ScatterChart = memo(function ScatterChart({
  points,
  colorOf,
  highlighted,
  pckhInterval = noInterval,
}: {
  points: readonly ScatterPoint[];
  colorOf: (id: string) => string;
  highlighted: readonly string[];
  pckhInterval?: PckhInterval;
}) {
  if (points.length === 0) return <div className="empty">No variant has both a latency and a PCKh yet.</div>;
  // The x range spans the error bars with some room, not 0..max: variants of similar speed would
  // otherwise sit on one spot with bars too short to read.
  const lo = Math.min(...points.map((p) => p.latencyP5Ms ?? p.latencyMs));
  const hi = Math.max(...points.map((p) => p.latencyP95Ms ?? p.latencyMs));
  const pad = Math.max((hi - lo) * 0.15, hi * 0.05, 1e-3);
  const step = niceCeil((hi - lo + 2 * pad) / 5);
  const minX = Math.max(0, Math.floor((lo - pad) / step) * step);
  const maxX = Math.ceil((hi + pad) / step) * step;
  const ys = points.flatMap((p) => [p.pckh, ...(ends(pckhInterval(p.variantId)) ?? [])]);
  const minY = Math.max(0, Math.floor((Math.min(...ys) - 5) / 10) * 10);
  const maxY = Math.min(100, Math.ceil((Math.max(...ys) + 3) / 10) * 10);
  const x = (v: number) => M.left + ((WIDTH - M.left - M.right) * (v - minX)) / (maxX - minX);
  const y = (v: number) => M.top + (HEIGHT - M.top - M.bottom) * (1 - (v - minY) / Math.max(1, maxY - minY));
  const front = points.filter((p) => p.pareto).sort((a, b) => a.latencyMs - b.latencyMs);
  let frontPath = '';
  front.forEach((p, i) => {
    frontPath += `${i === 0 ? 'M' : 'L'}${x(p.latencyMs).toFixed(1)},${y(p.pckh).toFixed(1)}`;
  });
  const xTicks: number[] = [];
  for (let i = 0; minX + i * step <= maxX + step * 1e-6; i++) xTicks.push(minX + i * step);
  const decimals = step >= 1 ? 0 : step >= 0.1 ? 1 : 2;
  const labels = placeLabels(points, x, y, undefined, pckhInterval, measuredLabelWidth);
  const yTicks: number[] = [];
  for (let t = minY; t <= maxY; t += (maxY - minY) / 4) yTicks.push(t);
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="scatter-svg-title" style={{ width: '100%', height: 'auto' }}>
      <title id="scatter-svg-title">Latency (ms, single thread; median with p5–p95 bars) vs PCKh (percent); Pareto front marked</title>
      {yTicks.map((t) => (
        <g key={t}>
          <line className="gridline" x1={M.left} x2={WIDTH - M.right} y1={y(t)} y2={y(t)} />
          <text x={M.left - 4} y={y(t) + 4} textAnchor="end">
            {t.toFixed(0)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={t} x={x(t)} y={HEIGHT - M.bottom + 14} textAnchor="middle">
          {t.toFixed(decimals)}
        </text>
      ))}
      <text x={(WIDTH + M.left) / 2} y={HEIGHT - 4} textAnchor="middle">
        latency per instance (ms): median, bars p5–p95
      </text>
      <path d={frontPath} fill="none" stroke="#8c94a4" strokeDasharray="5 4" strokeWidth={1.2}>
        <title>Pareto front</title>
      </path>
      {points.map((p) => (
        <g key={p.variantId} opacity={highlighted.includes(p.variantId) ? 1 : 0.55}>
          {ends(pckhInterval(p.variantId)) !== null ? (
            <VerticalBar
              x={x(p.latencyMs)}
              y1={y(ends(pckhInterval(p.variantId))![1])}
              y2={y(ends(pckhInterval(p.variantId))![0])}
              color={colorOf(p.variantId)}
              label={`${p.variantName}: PCKh 95% interval ${ends(pckhInterval(p.variantId))!
                .map((v) => v.toFixed(2))
                .join('–')}`}
            />
          ) : null}
          {p.latencyP5Ms !== null && p.latencyP95Ms !== null ? (
            <ErrorBar
              x1={x(p.latencyP5Ms)}
              x2={x(p.latencyP95Ms)}
              y={y(p.pckh)}
              color={colorOf(p.variantId)}
              label={`${p.variantName}: p5–p95 ${p.latencyP5Ms.toFixed(2)}–${p.latencyP95Ms.toFixed(2)} ms`}
            />
          ) : null}
          <circle cx={x(p.latencyMs)} cy={y(p.pckh)} r={6} fill={p.pareto ? colorOf(p.variantId) : 'none'} stroke={colorOf(p.variantId)} strokeWidth={2}>
            <title>{`${p.variantName}: ${p.latencyMs.toFixed(2)} ms median${p.latencyP5Ms !== null && p.latencyP95Ms !== null ? ` (p5–p95 ${p.latencyP5Ms.toFixed(2)}–${p.latencyP95Ms.toFixed(2)})` : ''}, PCKh ${p.pckh.toFixed(2)}${p.pareto ? ' (Pareto-optimal)' : ''}`}</title>
          </circle>
          <text
            className="scatter-label"
            x={labels.get(p.variantId)!.x}
            y={labels.get(p.variantId)!.y}
            textAnchor={labels.get(p.variantId)!.anchor}
            style={{ fill: 'var(--text)', fontSize: LABEL_FONT_PX }}
          >
            {p.variantName}
          </text>
        </g>
      ))}
    </svg>
  );
});

const LABEL_LINE = 13;
const LABEL_HEIGHT = 12;
const LABEL_FONT_PX = 11; // styles.css: svg.chart text
// Without a browser to measure in (unit tests): 0.7 em a character, above DejaVu Sans's ~0.64 em average
// for lower case and digits (a name of many m's or W's can still be wider; the app measures).
const CHAR_WIDTH = 0.7 * LABEL_FONT_PX;
const estimatedLabelWidth = (text: string) => text.length * CHAR_WIDTH;

let measuringContext: CanvasRenderingContext2D | null | undefined;
/**
 * A label's drawn width in viewBox units (its font size is 11 viewBox units, so an 11 px measurement is
 * that width whatever the chart's scale), measured in the page's own font: a wide font (DejaVu Sans on
 * Linux) pushed labels past the chart's edge when the width was a per-character guess.
 */
function measuredLabelWidth(text: string): number {
  if (measuringContext === undefined) measuringContext = typeof document === 'undefined' ? null : document.createElement('canvas').getContext('2d');
  // The page's font read on every call (cheap), so a font that loads later is measured too.
  if (measuringContext) measuringContext.font = `${LABEL_FONT_PX}px ${getComputedStyle(document.documentElement).fontFamily}`;
  // +1: sub-pixel rounding of glyph advances between canvas and SVG text.
  return measuringContext ? measuringContext.measureText(text).width + 1 : estimatedLabelWidth(text);
}

interface LabelBox {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface PlacedLabel {
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'end';
  readonly box: LabelBox;
}

const overlaps = (a: LabelBox, b: LabelBox) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * Name labels, none overlapping another label, a point or an error bar and none leaving the chart: tried beside
 * the point's error bar (right of its p95 end, then left of its p5 end), then right / left of the
 * point just above and below its bar, then further up and down a line at a time.
 * Points are placed from the most accurate down. Exported for tests.
 */
export function placeLabels(
  points: readonly ScatterPoint[],
  x: (v: number) => number,
  y: (v: number) => number,
  // Inside the plot area sideways (the y-axis numbers sit left of it).
  bounds: { left: number; right: number; top: number; bottom: number } = { left: M.left + 2, right: WIDTH, top: 0, bottom: HEIGHT - M.bottom + 2 },
  pckhInterval: PckhInterval = noInterval,
  labelWidth: (text: string) => number = estimatedLabelWidth,
): Map<string, PlacedLabel> {
  const placed: LabelBox[] = [];
  // Every point's circle is an obstacle for every label.
  const circles: LabelBox[] = points.map((p) => ({ left: x(p.latencyMs) - 7, right: x(p.latencyMs) + 7, top: y(p.pckh) - 7, bottom: y(p.pckh) + 7 }));
  // And every error bar (with its end caps).
  const bars: LabelBox[] = points
    .filter((p) => p.latencyP5Ms !== null && p.latencyP95Ms !== null)
    .map((p) => ({ left: x(p.latencyP5Ms!) - 1, right: x(p.latencyP95Ms!) + 1, top: y(p.pckh) - 5, bottom: y(p.pckh) + 5 }));
  // And every PCKh interval bar (vertical, with its caps).
  for (const p of points) {
    const ci = ends(pckhInterval(p.variantId));
    if (ci !== null) bars.push({ left: x(p.latencyMs) - 5, right: x(p.latencyMs) + 5, top: y(ci[1]) - 1, bottom: y(ci[0]) + 1 });
  }
  const out = new Map<string, PlacedLabel>();
  for (const p of [...points].sort((a, b) => b.pckh - a.pckh || a.latencyMs - b.latencyMs)) {
    const width = labelWidth(p.variantName);
    const px = x(p.latencyMs);
    const py = y(p.pckh);
    const barRight = Math.max(x(p.latencyP95Ms ?? p.latencyMs), px + 6) + 6;
    const barLeft = Math.min(x(p.latencyP5Ms ?? p.latencyMs), px - 6) - 6;
    const candidates: { x: number; y: number; anchor: 'start' | 'end' }[] = [
      { x: barRight, y: py + 4, anchor: 'start' },
      { x: barLeft, y: py + 4, anchor: 'end' },
    ];
    for (let k = 1; k <= 8; k++) {
      for (const dy of [-k * LABEL_LINE, k * LABEL_LINE]) {
        candidates.push({ x: px + 8, y: py + 4 + dy, anchor: 'start' }, { x: px - 8, y: py + 4 + dy, anchor: 'end' });
      }
    }
    const boxOf = (c: { x: number; y: number; anchor: 'start' | 'end' }): LabelBox => {
      const left = c.anchor === 'start' ? c.x : c.x - width;
      return { left, right: left + width, top: c.y - LABEL_HEIGHT + 2, bottom: c.y + 2 };
    };
    const fits = (box: LabelBox) =>
      box.left >= bounds.left &&
      box.right <= bounds.right &&
      box.top >= bounds.top &&
      box.bottom <= bounds.bottom &&
      !placed.some((other) => overlaps(box, other)) &&
      !circles.some((circle) => overlaps(box, circle)) &&
      !bars.some((bar) => overlaps(box, bar));
    let chosen = candidates.find((c) => fits(boxOf(c)));
    if (chosen === undefined) {
      // Nothing free: the first candidate kept inside the chart.
      const first = candidates[0]!;
      const box = boxOf(first);
      const shift = Math.min(0, bounds.right - box.right) + Math.max(0, bounds.left - box.left);
      chosen = { ...first, x: first.x + shift };
    }
    const box = boxOf(chosen);
    placed.push(box);
    out.set(p.variantId, { ...chosen, box });
  }
  return out;
}

/** A vertical bar with end caps: the PCKh interval (drawn under the point's circle). */
function VerticalBar({ x, y1, y2, color, label }: { x: number; y1: number; y2: number; color: string; label: string }) {
  const cap = 4;
  return (
    <g className="error-bar ci-bar-y" stroke={color} strokeWidth={1.5} aria-label={label} role="img">
      <title>{label}</title>
      <line x1={x} x2={x} y1={y1} y2={y2} />
      <line x1={x - cap} x2={x + cap} y1={y1} y2={y1} />
      <line x1={x - cap} x2={x + cap} y1={y2} y2={y2} />
    </g>
  );
}

/** A horizontal bar with end caps (drawn under the point's circle). */
function ErrorBar({ x1, x2, y, color, label }: { x1: number; x2: number; y: number; color: string; label: string }) {
  const cap = 5;
  return (
    <g className="error-bar" stroke={color} strokeWidth={1.5} aria-label={label} role="img">
      <title>{label}</title>
      <line x1={x1} x2={x2} y1={y} y2={y} />
      <line x1={x1} x2={x1} y1={y - cap} y2={y + cap} />
      <line x1={x2} x2={x2} y1={y - cap} y2={y + cap} />
    </g>
  );
}

function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
