import { memo } from 'react';
import type { MetricsTable } from '../../src-main/api/contract.ts';
import { variantColor } from '../shared/colors.ts';
import { DISPLAY_JOINT_ORDER, SHORT_JOINT_LABELS, jointLabel } from '../shared/joint-order.ts';
import { PercentGridlines } from '../shared/PercentGridlines.tsx';
import { fmtInterval, type IntervalLookup } from './intervals.ts';

/** Pelvis and thorax: mmpose's MPII PCKh leaves them out of the mean. */
const OUTSIDE_MEAN: readonly number[] = [6, 7];

const WIDTH = 640;
const HEIGHT = 250;
const MARGIN = { left: 34, right: 8, top: 10, bottom: 40 };

/** Grouped bars: PCKh per joint, one bar per variant; with `intervals`, bootstrap error bars (issue 16). */
export const JointBarChart = memo(function JointBarChart({ table, intervals = null }: { table: MetricsTable; intervals?: IntervalLookup | null }) {
  const rows = table.perJoint;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const groupW = plotW / DISPLAY_JOINT_ORDER.length;
  const barW = Math.max(1.5, (groupW - 4) / Math.max(1, rows.length));
  const y = (v: number) => MARGIN.top + plotH * (1 - v / 100);
  return (
    <>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="joint-bar-svg-title" style={{ width: '100%', height: 'auto' }}>
        <title id="joint-bar-svg-title">PCKh at 0.5 per joint and variant (percent)</title>
        <PercentGridlines left={MARGIN.left} right={WIDTH - MARGIN.right} y={y} />
        {DISPLAY_JOINT_ORDER.map((joint, slot) => {
          const x0 = MARGIN.left + slot * groupW + 2;
          const outsideMean = OUTSIDE_MEAN.includes(joint);
          return (
            <g key={joint}>
              {outsideMean ? (
                <rect className="outside-mean" x={x0 - 2} y={MARGIN.top} width={groupW} height={plotH} fill="rgba(255,255,255,0.1)">
                  <title>{`${jointLabel(joint)}: not in the mean (PCKh), as in mmpose's MPII evaluation`}</title>
                </rect>
              ) : null}
              {rows.map((row, v) => {
                const raw = row.pckh[joint];
                if (raw === null || raw === undefined) return null;
                const value = raw;
                const ci = intervals?.joint(row.variantId, joint);
                const cx = x0 + v * barW + Math.max(1, barW - 0.5) / 2;
                const label = `${row.variantName} · ${jointLabel(joint)}: ${value.toFixed(2)}${ci ? ` ${fmtInterval(ci)}` : ''}`;
                return (
                  <g key={row.variantId}>
                    <rect x={x0 + v * barW} y={y(value)} width={Math.max(1, barW - 0.5)} height={Math.max(0, y(0) - y(value))} fill={variantColor(v)}>
                      <title>{label}</title>
                    </rect>
                    {ci && ci[0] !== null && ci[1] !== null ? (
                      <g className="ci-bar" data-joint={joint}>
                        <line x1={cx} x2={cx} y1={y(ci[1])} y2={y(ci[0])} />
                        <line x1={cx - 2} x2={cx + 2} y1={y(ci[1])} y2={y(ci[1])} />
                        <line x1={cx - 2} x2={cx + 2} y1={y(ci[0])} y2={y(ci[0])} />
                        <title>{label}</title>
                      </g>
                    ) : null}
                  </g>
                );
              })}
              <text
                x={x0 + groupW / 2 - 2}
                y={HEIGHT - MARGIN.bottom + 12}
                textAnchor="end"
                transform={`rotate(-40 ${x0 + groupW / 2 - 2} ${HEIGHT - MARGIN.bottom + 12})`}
              >
                {SHORT_JOINT_LABELS[joint]}
              </text>
            </g>
          );
        })}
      </svg>
      <Legend names={rows.map((r) => r.variantName)} />
    </>
  );
});

export function Legend({ names }: { names: readonly string[] }) {
  return (
    <div className="legend">
      {names.map((name, i) => (
        <span key={`${name}-${i}`}>
          <span className="swatch" style={{ background: variantColor(i) }} aria-hidden="true" />
          {name}
        </span>
      ))}
    </div>
  );
}
