/**
 * Why joints fail (issue 15): per joint and variant, the joints not hit split by class (jitter,
 * inversion, swap, miss; after coco-analyze), stacked; and the what-if PCKh (the PCKh a variant would
 * have if its inversions, swaps or jitter were hits). From `analysis:errorClasses`, which runs the
 * function `posebench analyze` runs.
 *
 * The bars show the non-hit share only (the hit share is 100 % minus the stack, in each bar's tooltip):
 * at 85–99 % hits a 0–100 % stack leaves the errors a few pixels tall.
 */
import { memo } from 'react';
import type { ErrorClassesReport, ErrorClassName } from '../../src-main/api/contract.ts';
import { variantColor } from '../shared/colors.ts';
import { fmtPct } from '../shared/format.ts';
import { DISPLAY_JOINT_ORDER, SHORT_JOINT_LABELS, jointLabel } from '../shared/joint-order.ts';

/** Pelvis and thorax: outside mmpose's MPII mean. */
const OUTSIDE_MEAN: readonly number[] = [6, 7];

const ERROR_KINDS: readonly Exclude<ErrorClassName, 'hit'>[] = ['jitter', 'inversion', 'swap', 'miss'];
export const CLASS_COLORS: Readonly<Record<ErrorClassName, string>> = {
  hit: '#5ad17a',
  jitter: '#e6c07b',
  inversion: '#c678dd',
  swap: '#56b4e9',
  miss: '#ff5a5a',
};
const CLASS_HELP: Readonly<Record<ErrorClassName, string>> = {
  hit: 'PCKh hit at 0.5',
  jitter: 'within 1 head size of its own joint (a near miss)',
  inversion: "within 0.5 head sizes of the same person's mirrored joint (left/right confusion)",
  swap: 'within 0.5 head sizes of a joint of another annotated person in the image',
  miss: 'everything else',
};

const WIDTH = 640;
const HEIGHT = 230;
const MARGIN = { left: 34, right: 8, top: 10, bottom: 40 };

/** Round the axis up to a readable step so the tallest stack fills most of the plot. */
function axisMax(maxShare: number): number {
  for (const step of [1, 2, 5, 10, 20, 25, 40, 50, 60, 75, 100]) if (maxShare <= step) return step;
  return 100;
}

/** Colour index of a variant: its row in the Metrics table, so colours match the other charts. */
type ColorIndex = (variantId: string, fallback: number) => number;
const byPosition: ColorIndex = (_id, fallback) => fallback;

export const ErrorClassChart = memo(function ErrorClassChart({ report, colorIndex = byPosition }: { report: ErrorClassesReport; colorIndex?: ColorIndex }) {
  const variants = report.variants;
  const share = (count: number, evaluated: number) => (evaluated > 0 ? (100 * count) / evaluated : 0);
  // The axis fits the 14 mean joints: pelvis and thorax (shaded, outside the mean) are often not
  // predicted at all (100 % misses), which would squash every other bar; theirs are cut at the top.
  let maxShare = 0;
  for (const v of variants)
    v.per_joint.forEach((j, joint) => {
      if (!OUTSIDE_MEAN.includes(joint)) maxShare = Math.max(maxShare, share(j.evaluated - j.hit, j.evaluated));
    });
  const top = axisMax(maxShare);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupW = plotW / DISPLAY_JOINT_ORDER.length;
  const barW = Math.max(1.5, (groupW - 4) / Math.max(1, variants.length));
  const y = (v: number) => MARGIN.top + plotH * (1 - v / top);
  const ticks = [0, top / 2, top];
  return (
    <>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="error-class-svg-title" style={{ width: '100%', height: 'auto' }}>
        <title id="error-class-svg-title">Joints not hit at 0.5, per joint and variant, by error class (percent of evaluated joints)</title>
        {ticks.map((tick) => (
          <g key={tick}>
            <line className="gridline" x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
            <text x={MARGIN.left - 4} y={y(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {DISPLAY_JOINT_ORDER.map((joint, slot) => {
          const x0 = MARGIN.left + slot * groupW + 2;
          return (
            <g key={joint}>
              {OUTSIDE_MEAN.includes(joint) ? (
                <rect className="outside-mean" x={x0 - 2} y={MARGIN.top} width={groupW} height={plotH} fill="rgba(255,255,255,0.1)">
                  <title>{`${jointLabel(joint)}: not in the mean (PCKh); bars above the axis are cut`}</title>
                </rect>
              ) : null}
              {variants.map((v, k) => {
                const j = v.per_joint[joint];
                if (j === undefined || j.evaluated === 0) return null;
                let base = 0;
                const x = x0 + k * barW;
                const w = Math.max(1, barW - 0.5);
                const tip = `${v.name} · ${jointLabel(joint)}: ${j.evaluated} evaluated, hit ${j.hit} (${fmtPct(share(j.hit, j.evaluated))} %), ${ERROR_KINDS.map((c) => `${c} ${j[c]}`).join(', ')}`;
                return (
                  <g key={v.variantId} data-variant={v.variantId} data-joint={joint}>
                    {ERROR_KINDS.map((c) => {
                      const h = share(j[c], j.evaluated);
                      if (h <= 0 || base >= top) return null;
                      const end = Math.min(top, base + h);
                      const rect = (
                        <rect key={c} className={`class-${c}`} x={x} y={y(end)} width={w} height={Math.max(0.5, y(base) - y(end))} fill={CLASS_COLORS[c]}>
                          <title>{tip}</title>
                        </rect>
                      );
                      base += h;
                      return rect;
                    })}
                    {/* Which variant: a strip of its colour under the bar. */}
                    <rect x={x} y={y(0) + 1.5} width={w} height={3} fill={variantColor(colorIndex(v.variantId, k))}>
                      <title>{tip}</title>
                    </rect>
                  </g>
                );
              })}
              <text
                x={x0 + groupW / 2 - 2}
                y={HEIGHT - MARGIN.bottom + 14}
                textAnchor="end"
                transform={`rotate(-40 ${x0 + groupW / 2 - 2} ${HEIGHT - MARGIN.bottom + 14})`}
              >
                {SHORT_JOINT_LABELS[joint]}
              </text>
            </g>
          );
        })}
      </svg>
      <div className="legend">
        {ERROR_KINDS.map((c) => (
          <span key={c} title={CLASS_HELP[c]}>
            <span className="class-swatch" style={{ background: CLASS_COLORS[c] }} aria-hidden="true" />
            {c}
          </span>
        ))}
        <span className="muted">· strip under each bar: the variant's colour · hits are the rest to 100 %</span>
      </div>
    </>
  );
});

/** PCKh and what it would be with each class of error turned into hits, per variant (14 Mean joints). */
export const WhatIfTable = memo(function WhatIfTable({ report, colorIndex = byPosition }: { report: ErrorClassesReport; colorIndex?: ColorIndex }) {
  const gain = (value: number | null, base: number | null) => (value !== null && base !== null ? value - base : null);
  const cell = (value: number | null, base: number | null) => {
    const g = gain(value, base);
    return (
      <td className={g !== null && g > 0 ? 'gain' : undefined}>
        {fmtPct(value)}
        {g !== null ? <span className="ci">+{g.toFixed(2)}</span> : null}
      </td>
    );
  };
  return (
    <table className="data" aria-label="What-if PCKh">
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col">PCKh</th>
          <th scope="col" title="inversions (left/right confusions) counted as hits">
            if inversions fixed
          </th>
          <th scope="col" title="swaps (joints on another person) counted as hits">
            if swaps fixed
          </th>
          <th scope="col" title="jitter (within 1 head size) counted as hits">
            if jitter fixed
          </th>
          {ERROR_KINDS.map((c) => (
            <th scope="col" key={c} title={CLASS_HELP[c]}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {report.variants.map((v, k) => (
          <tr key={v.variantId}>
            <th scope="row" style={{ textAlign: 'left', fontWeight: 500, color: 'var(--text)', position: 'static', background: 'transparent' }}>
              <span className="swatch" style={{ background: variantColor(colorIndex(v.variantId, k)) }} aria-hidden="true" />
              {v.name}
            </th>
            <td>{fmtPct(v.pckh)}</td>
            {cell(v.pckh_if_inversions_fixed, v.pckh)}
            {cell(v.pckh_if_swaps_fixed, v.pckh)}
            {cell(v.pckh_if_jitter_fixed, v.pckh)}
            {ERROR_KINDS.map((c) => (
              <td key={c} className="muted">
                {v.totals[c]}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
});
