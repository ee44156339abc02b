import { memo, useState } from 'react';
import type { MetricsCurves } from '../../src-main/api/contract.ts';
import { variantColor } from '../shared/colors.ts';
import { DISPLAY_JOINT_ORDER, jointLabel } from '../shared/joint-order.ts';
import { Legend } from './JointBarChart.tsx';
import { PercentGridlines } from '../shared/PercentGridlines.tsx';

/**
 * Area under a PCKh-vs-threshold curve by the trapezoid rule over the thresholds, divided by their
 * span: the engine's sweepAreaUnderCurve, in the same order of operations. Null where a point is null.
 */
export function curveAuc(thresholds: readonly number[], values: readonly (number | null)[]): number | null {
  if (thresholds.length < 2 || values.length !== thresholds.length) return null;
  let previous = values[0];
  if (previous === null || previous === undefined) return null;
  let area = 0;
  for (let r = 1; r < thresholds.length; r++) {
    const current = values[r];
    if (current === null || current === undefined) return null;
    area += (thresholds[r]! - thresholds[r - 1]!) * (previous + current) * 0.5;
    previous = current;
  }
  return area / (thresholds[thresholds.length - 1]! - thresholds[0]!);
}

const WIDTH = 640;
const HEIGHT = 250;
const MARGIN = { left: 34, right: 10, top: 10, bottom: 30 };

/** PCKh vs normalised threshold (0–0.5), one line per variant, for the mean or one joint. */
export const CurvesChart = memo(function CurvesChart({ curves }: { curves: MetricsCurves }) {
  const [joint, setJoint] = useState<number | 'mean'>('mean');
  const thresholds = curves.thresholds;
  const maxT = thresholds[thresholds.length - 1] ?? 0.5;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t: number) => MARGIN.left + (plotW * t) / maxT;
  const y = (v: number) => MARGIN.top + plotH * (1 - v / 100);
  const label = joint === 'mean' ? 'mean of 14 joints' : jointLabel(joint);
  // The legend's AUC is the curve shown: the mean's (from the engine) or the selected joint's.
  const aucOf = (series: MetricsCurves['series'][number]): number | null =>
    joint === 'mean' ? series.auc : curveAuc(thresholds, series.perJoint[joint] ?? []);
  return (
    <>
      <div className="toolbar">
        <label>
          Joint
          <select aria-label="Curve joint" value={String(joint)} onChange={(e) => setJoint(e.target.value === 'mean' ? 'mean' : Number(e.target.value))}>
            <option value="mean">Mean (PCKh)</option>
            {DISPLAY_JOINT_ORDER.map((j) => (
              <option key={j} value={j}>
                {jointLabel(j)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="curves-svg-title" style={{ width: '100%', height: 'auto' }}>
        <title id="curves-svg-title">{`PCKh (percent) vs normalised distance threshold, ${label}`}</title>
        <PercentGridlines left={MARGIN.left} right={WIDTH - MARGIN.right} y={y} />
        {[0, 0.1, 0.2, 0.3, 0.4, 0.5]
          .filter((t) => t <= maxT + 1e-9)
          .map((t) => (
            <text key={t} x={x(t)} y={HEIGHT - MARGIN.bottom + 14} textAnchor="middle">
              {t.toFixed(1)}
            </text>
          ))}
        <text x={MARGIN.left + plotW / 2} y={HEIGHT - 2} textAnchor="middle">
          threshold (× head size)
        </text>
        {curves.series.map((series, v) => {
          const values = joint === 'mean' ? series.mean : (series.perJoint[joint] ?? []);
          let d = '';
          let pen = 'M';
          values.forEach((value, i) => {
            if (value === null) {
              pen = 'M';
              return;
            }
            d += `${pen}${x(thresholds[i] ?? 0).toFixed(1)},${y(value).toFixed(1)}`;
            pen = 'L';
          });
          return (
            <path key={series.variantId} d={d} fill="none" stroke={variantColor(v)} strokeWidth={1.8}>
              <title>{`${series.variantName} (AUC ${aucOf(series)?.toFixed(2) ?? '–'}, ${label})`}</title>
            </path>
          );
        })}
      </svg>
      <Legend names={curves.series.map((s) => `${s.variantName} · AUC ${aucOf(s)?.toFixed(1) ?? '–'}`)} />
      <div className="muted" data-testid="curves-auc-note">
        AUC of {label}, thresholds 0–{maxT}
      </div>
    </>
  );
});
