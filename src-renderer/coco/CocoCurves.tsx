/**
 * COCO Metrics' curves (issue 18): AP at each OKS threshold 0.50…0.95 (their mean is AP; AP50 and AP75
 * are two of its points) and pycocotools' interpolated precision against recall at OKS 0.5 (solid) and
 * 0.75 (dashed), one colour per variant. Values are the engine's (evaluation/coco-oks-eval.ts).
 */
import type { CocoMetricsView } from '../../src-main/api/contract.ts';
import { variantColor } from '../shared/colors.ts';
import { pct } from './coco-format.ts';

const W = 420,
  H = 220,
  L = 36,
  B = 26,
  T = 8,
  RIGHT = 10;

function Axes(props: { xTicks: readonly number[]; xLabel: string; x: (v: number) => number; y: (v: number) => number; fmtX: (v: number) => string }) {
  return (
    <g className="axis">
      {[0, 0.25, 0.5, 0.75, 1].map((v) => (
        <g key={`y${v}`}>
          <line x1={L} x2={W - RIGHT} y1={props.y(v)} y2={props.y(v)} stroke="var(--border)" strokeDasharray="2 3" />
          <text x={L - 4} y={props.y(v) + 3} textAnchor="end">
            {100 * v}
          </text>
        </g>
      ))}
      {props.xTicks.map((v) => (
        <text key={`x${v}`} x={props.x(v)} y={H - B + 14} textAnchor="middle">
          {props.fmtX(v)}
        </text>
      ))}
      <text x={(L + W - RIGHT) / 2} y={H - 2} textAnchor="middle">
        {props.xLabel}
      </text>
    </g>
  );
}

function path(points: readonly (readonly [number, number | null])[], x: (v: number) => number, y: (v: number) => number): string {
  let d = '';
  let pen = false;
  for (const [px, py] of points) {
    if (py === null) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(px).toFixed(1)},${y(py).toFixed(1)}`;
    pen = true;
  }
  return d;
}

export function CocoApByThreshold({ data }: { data: CocoMetricsView }) {
  const ts = data.oksThresholds;
  const x = (v: number) => L + ((v - ts[0]!) / (ts[ts.length - 1]! - ts[0]!)) * (W - L - RIGHT);
  const y = (v: number) => T + (1 - v) * (H - T - B);
  return (
    <svg className="coco-curve" viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="AP by OKS threshold">
      <Axes xTicks={ts.filter((_, i) => i % 2 === 0)} xLabel="OKS threshold" x={x} y={y} fmtX={(v) => v.toFixed(2)} />
      {data.variants.map((v, i) => (
        <g key={v.variant.id}>
          <path
            d={path(
              ts.map((t, k) => [t, v.apByThreshold[k] ?? null] as const),
              x,
              y,
            )}
            fill="none"
            stroke={variantColor(i)}
            strokeWidth={2}
          />
          {ts.map((t, k) => {
            const ap = v.apByThreshold[k] ?? null;
            return ap === null ? null : (
              <circle key={t} cx={x(t)} cy={y(ap)} r={2.5} fill={variantColor(i)}>
                <title>{`${v.variant.name} · AP at OKS ${t.toFixed(2)}: ${pct(ap)}`}</title>
              </circle>
            );
          })}
        </g>
      ))}
    </svg>
  );
}

export function CocoPrecisionRecall({ data }: { data: CocoMetricsView }) {
  const x = (v: number) => L + v * (W - L - RIGHT);
  const y = (v: number) => T + (1 - v) * (H - T - B);
  return (
    <svg className="coco-curve" viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Precision against recall at OKS 0.5 and 0.75">
      <Axes xTicks={[0, 0.25, 0.5, 0.75, 1]} xLabel="recall" x={x} y={y} fmtX={(v) => String(100 * v)} />
      {data.variants.map((v, i) =>
        v.precisionCurves.map((curve) => (
          <path
            key={`${v.variant.id}-${curve.threshold}`}
            d={path(
              curve.precision.map((p, r) => [r / (curve.precision.length - 1), p] as const),
              x,
              y,
            )}
            fill="none"
            stroke={variantColor(i)}
            strokeWidth={curve.threshold === 0.5 ? 2 : 1.5}
            strokeDasharray={curve.threshold === 0.5 ? undefined : '5 3'}
          >
            <title>{`${v.variant.name} · OKS ${curve.threshold}`}</title>
          </path>
        )),
      )}
    </svg>
  );
}
