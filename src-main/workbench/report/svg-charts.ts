/**
 * Inline SVG charts for the HTML report: grouped bars, line curves, a scatter with error bars and its
 * Pareto front, stacked bars. Pure string builders (no DOM, no JS at view time); coordinates printed
 * with one decimal so the same data give the same bytes. Colours: the Okabe–Ito palette (readable for
 * the common colour-vision deficiencies), cycled past eight series.
 */
import { paretoFront } from '../../core/pareto.ts';

const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#7F7F7F', '#000000'];

export function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const n1 = (v: number): string => {
  const t = v.toFixed(1);
  return t === '-0.0' ? '0.0' : t;
};

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const FRAME: Frame = { width: 640, height: 300, left: 52, right: 16, top: 14, bottom: 44 };

interface Scale {
  readonly min: number;
  readonly max: number;
  (v: number): number;
}

function linear(min: number, max: number, from: number, to: number): Scale {
  const span = max - min || 1;
  const s = ((v: number) => from + ((v - min) / span) * (to - from)) as Scale;
  return Object.assign(s, { min, max });
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min;
  if (!(span > 0)) return [min];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Rounds a domain outwards to tick steps so axes start and end on a labelled value. */
export function niceDomain(min: number, max: number): [number, number] {
  if (!(max > min)) return [min - 1, max + 1];
  const ticks = niceTicks(min, max);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 1;
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

function tickLabel(v: number, step: number): string {
  const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
  return v.toFixed(decimals);
}

function axes(f: Frame, x: Scale, y: Scale, xLabel: string, yLabel: string, xTicks: number[] | null): string {
  const parts: string[] = [];
  const yTicks = niceTicks(y.min, y.max);
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  for (const t of yTicks) {
    parts.push(`<line class="grid" x1="${n1(f.left)}" x2="${n1(f.width - f.right)}" y1="${n1(y(t))}" y2="${n1(y(t))}"/>`);
    parts.push(`<text class="tick" x="${n1(f.left - 6)}" y="${n1(y(t) + 4)}" text-anchor="end">${tickLabel(t, yStep)}</text>`);
  }
  if (xTicks !== null) {
    const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : 1;
    for (const t of xTicks) {
      parts.push(`<line class="axis" x1="${n1(x(t))}" x2="${n1(x(t))}" y1="${n1(f.height - f.bottom)}" y2="${n1(f.height - f.bottom + 4)}"/>`);
      parts.push(`<text class="tick" x="${n1(x(t))}" y="${n1(f.height - f.bottom + 16)}" text-anchor="middle">${tickLabel(t, xStep)}</text>`);
    }
  }
  parts.push(`<line class="axis" x1="${n1(f.left)}" x2="${n1(f.width - f.right)}" y1="${n1(f.height - f.bottom)}" y2="${n1(f.height - f.bottom)}"/>`);
  parts.push(`<line class="axis" x1="${n1(f.left)}" x2="${n1(f.left)}" y1="${n1(f.top)}" y2="${n1(f.height - f.bottom)}"/>`);
  parts.push(`<text class="label" x="${n1((f.left + f.width - f.right) / 2)}" y="${n1(f.height - 6)}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(
    `<text class="label" transform="translate(13 ${n1((f.top + f.height - f.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`,
  );
  return parts.join('');
}

function svg(f: Frame, title: string, body: string): string {
  return `<svg class="chart" role="img" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeXml(title)}</title>${body}</svg>`;
}

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
  /** Per value: [lo, hi] error bar, or null. */
  readonly intervals?: readonly (readonly [number | null, number | null] | null)[];
}

/** Grouped vertical bars: one group per category, one bar per series; error bars where given. */
export function groupedBarChart(title: string, categories: readonly string[], series: readonly Series[], yLabel: string): string {
  const f = FRAME;
  const all = series
    .flatMap((s) => [...s.values, ...(s.intervals ?? []).flatMap((i) => (i ? [i[0], i[1]] : []))])
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const [lo, hi] = niceDomain(Math.min(0, ...all), Math.max(1, ...all));
  const y = linear(lo, hi, f.height - f.bottom, f.top);
  const groupWidth = (f.width - f.left - f.right) / Math.max(1, categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, series.length);
  const parts: string[] = [axes(f, linear(0, 1, f.left, f.width - f.right), y, '', yLabel, null)];
  categories.forEach((category, c) => {
    const x0 = f.left + c * groupWidth + groupWidth * 0.1;
    series.forEach((s, k) => {
      const v = s.values[c];
      if (v === null || v === undefined || !Number.isFinite(v)) return;
      const x = x0 + k * barWidth;
      const top = y(v);
      parts.push(
        `<rect x="${n1(x)}" y="${n1(top)}" width="${n1(Math.max(1, barWidth - 1))}" height="${n1(Math.max(0, y(lo) - top))}" fill="${s.color}"><title>${escapeXml(`${s.name} ${category}: ${v.toFixed(2)}`)}</title></rect>`,
      );
      const ci = s.intervals?.[c];
      if (ci && ci[0] !== null && ci[1] !== null) {
        const cx = x + (barWidth - 1) / 2;
        parts.push(`<path class="errbar" d="M${n1(cx)} ${n1(y(ci[0]))}V${n1(y(ci[1]))}M${n1(cx - 2)} ${n1(y(ci[0]))}h4M${n1(cx - 2)} ${n1(y(ci[1]))}h4"/>`);
      }
    });
    parts.push(
      `<text class="tick" x="${n1(f.left + (c + 0.5) * groupWidth)}" y="${n1(f.height - f.bottom + 16)}" text-anchor="middle">${escapeXml(category)}</text>`,
    );
  });
  return svg(f, title, parts.join(''));
}

/** Lines over a shared x; null values break the line (unless connectGaps). Optional dashed y = x diagonal (reliability). */
export function lineChart(
  title: string,
  x: readonly number[],
  series: readonly Series[],
  labels: { readonly x: string; readonly y: string },
  options: {
    readonly xDomain?: [number, number];
    readonly yDomain?: [number, number];
    /** Draw y = diagonal·x dashed (perfect calibration with y in percent: 100). */ readonly diagonal?: number;
    readonly markers?: boolean;
    readonly connectGaps?: boolean;
  } = {},
): string {
  const f = FRAME;
  const ys = series.flatMap((s) => s.values).filter((v): v is number => v !== null && Number.isFinite(v));
  const [ylo, yhi] = options.yDomain ?? niceDomain(Math.min(...ys, 100), Math.max(...ys, 0));
  const [xlo, xhi] = options.xDomain ?? niceDomain(Math.min(...x), Math.max(...x));
  const xs = linear(xlo, xhi, f.left, f.width - f.right);
  const yS = linear(ylo, yhi, f.height - f.bottom, f.top);
  const parts: string[] = [axes(f, xs, yS, labels.x, labels.y, niceTicks(xlo, xhi))];
  if (options.diagonal !== undefined) {
    const k = options.diagonal;
    parts.push(`<line class="diagonal" x1="${n1(xs(xlo))}" y1="${n1(yS(k * xlo))}" x2="${n1(xs(xhi))}" y2="${n1(yS(k * xhi))}"/>`);
  }
  for (const s of series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      const xv = x[i];
      if (v === null || xv === undefined || !Number.isFinite(v)) {
        if (options.connectGaps !== true) pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${n1(xs(xv))} ${n1(yS(v))}`;
      pen = true;
    });
    if (d !== '') parts.push(`<path class="line" d="${d}" stroke="${s.color}"><title>${escapeXml(s.name)}</title></path>`);
    if (options.markers) {
      s.values.forEach((v, i) => {
        const xv = x[i];
        if (v !== null && xv !== undefined && Number.isFinite(v)) parts.push(`<circle cx="${n1(xs(xv))}" cy="${n1(yS(v))}" r="3" fill="${s.color}"/>`);
      });
    }
  }
  return svg(f, title, parts.join(''));
}

/** One point of the scatter: x and y with optional [lo, hi] bars on each axis. */
export interface ScatterPoint {
  readonly name: string;
  readonly color: string;
  readonly x: number;
  readonly y: number;
  readonly xInterval: readonly [number | null, number | null] | null;
  readonly yInterval: readonly [number | null, number | null] | null;
}

/**
 * Scatter with error bars and the Pareto front (core/pareto.ts: x is the cost, y the value).
 */
export function paretoScatter(title: string, points: readonly ScatterPoint[], labels: { readonly x: string; readonly y: string }): string {
  const f = { ...FRAME, right: 120 };
  const xv = points.flatMap((p) => [p.x, p.xInterval?.[0] ?? p.x, p.xInterval?.[1] ?? p.x]);
  const yv = points.flatMap((p) => [p.y, p.yInterval?.[0] ?? p.y, p.yInterval?.[1] ?? p.y]);
  const [xlo, xhi] = niceDomain(Math.min(0, ...xv), Math.max(...xv));
  const [ylo, yhi] = niceDomain(Math.min(...yv), Math.max(...yv));
  const xs = linear(xlo, xhi, f.left, f.width - f.right);
  const yS = linear(ylo, yhi, f.height - f.bottom, f.top);
  const parts: string[] = [axes(f, xs, yS, labels.x, labels.y, niceTicks(xlo, xhi))];
  const onFront = paretoFront(
    points,
    (p) => p.x,
    (p) => p.y,
  );
  const front = points.filter((_, i) => onFront[i]).sort((a, b) => a.x - b.x || b.y - a.y);
  if (front.length > 1) parts.push(`<path class="front" d="${front.map((p, i) => `${i === 0 ? 'M' : 'L'}${n1(xs(p.x))} ${n1(yS(p.y))}`).join('')}"/>`);
  // Labels sit right of their point, pushed apart vertically so close points stay legible.
  const labelY = new Map<ScatterPoint, number>();
  let previous = -Infinity;
  for (const p of [...points].sort((a, b) => yS(a.y) - yS(b.y) || a.x - b.x)) {
    const y = Math.max(yS(p.y) - 6, previous + 14);
    labelY.set(p, y);
    previous = y;
  }
  for (const p of points) {
    const cx = xs(p.x);
    const cy = yS(p.y);
    if (p.xInterval && p.xInterval[0] !== null && p.xInterval[1] !== null) {
      parts.push(`<path class="errbar" stroke="${p.color}" d="M${n1(xs(p.xInterval[0]))} ${n1(cy)}H${n1(xs(p.xInterval[1]))}"/>`);
    }
    if (p.yInterval && p.yInterval[0] !== null && p.yInterval[1] !== null) {
      parts.push(`<path class="errbar" stroke="${p.color}" d="M${n1(cx)} ${n1(yS(p.yInterval[0]))}V${n1(yS(p.yInterval[1]))}"/>`);
    }
    parts.push(
      `<circle cx="${n1(cx)}" cy="${n1(cy)}" r="4.5" fill="${p.color}"><title>${escapeXml(`${p.name}: ${p.y.toFixed(2)} at ${p.x.toFixed(2)} ms`)}</title></circle>`,
    );
    parts.push(`<text class="point-label" x="${n1(cx + 7)}" y="${n1(labelY.get(p) ?? cy - 6)}">${escapeXml(p.name)}</text>`);
  }
  return svg(f, title, parts.join(''));
}

export interface StackedRow {
  readonly name: string;
  readonly parts: readonly { readonly label: string; readonly value: number; readonly color: string }[];
}

/** Horizontal 100 % stacked bars, one per row (shares of a total). */
export function stackedShareChart(title: string, rows: readonly StackedRow[]): string {
  const rowHeight = 26;
  const f: Frame = { width: 640, height: FRAME.top + rows.length * rowHeight + 30, left: 150, right: 16, top: 10, bottom: 30 };
  const x = linear(0, 100, f.left, f.width - f.right);
  const parts: string[] = [];
  for (const t of [0, 25, 50, 75, 100]) {
    parts.push(`<line class="grid" x1="${n1(x(t))}" x2="${n1(x(t))}" y1="${n1(f.top)}" y2="${n1(f.height - f.bottom)}"/>`);
    parts.push(`<text class="tick" x="${n1(x(t))}" y="${n1(f.height - f.bottom + 16)}" text-anchor="middle">${t} %</text>`);
  }
  rows.forEach((row, r) => {
    const total = row.parts.reduce((a, p) => a + p.value, 0);
    const y = f.top + r * rowHeight + 3;
    parts.push(`<text class="tick" x="${n1(f.left - 6)}" y="${n1(y + 14)}" text-anchor="end">${escapeXml(row.name)}</text>`);
    let acc = 0;
    for (const p of row.parts) {
      if (total <= 0 || p.value <= 0) continue;
      const share = (100 * p.value) / total;
      parts.push(
        `<rect x="${n1(x(acc))}" y="${n1(y)}" width="${n1(x(acc + share) - x(acc))}" height="${rowHeight - 6}" fill="${p.color}"><title>${escapeXml(`${row.name} ${p.label}: ${p.value} (${share.toFixed(1)} %)`)}</title></rect>`,
      );
      acc += share;
    }
  });
  return svg(f, title, parts.join(''));
}
