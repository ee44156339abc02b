import { memo } from 'react';
import type { ScatterPoint } from '../../src-main/api/contract.ts';

const WIDTH = 520;
const HEIGHT = 260;
const M = { left: 40, right: 16, top: 12, bottom: 34 };

/** Latency (x) vs PCKh (y); Pareto-optimal points joined by a step line and drawn filled. */
export const ScatterChart = memo(function ScatterChart({ points, colorOf, highlighted }: { points: readonly ScatterPoint[]; colorOf: (id: string) => string; highlighted: readonly string[] }) {
  if (points.length === 0) return <div className="empty">No variant has both a latency and a PCKh yet.</div>;
  const maxX = niceCeil(Math.max(...points.map((p) => p.latencyMs)) * 1.1);
  const ys = points.map((p) => p.pckh);
  const minY = Math.max(0, Math.floor((Math.min(...ys) - 5) / 10) * 10);
  const maxY = Math.min(100, Math.ceil((Math.max(...ys) + 3) / 10) * 10);
  const x = (v: number) => M.left + ((WIDTH - M.left - M.right) * v) / maxX;
  const y = (v: number) => M.top + (HEIGHT - M.top - M.bottom) * (1 - (v - minY) / Math.max(1, maxY - minY));
  const front = points.filter((p) => p.pareto).sort((a, b) => a.latencyMs - b.latencyMs);
  let frontPath = '';
  front.forEach((p, i) => {
    frontPath += `${i === 0 ? 'M' : 'L'}${x(p.latencyMs).toFixed(1)},${y(p.pckh).toFixed(1)}`;
  });
  const step = niceCeil(maxX / 6);
  const xTicks: number[] = [];
  for (let t = 0; t <= maxX + 1e-9; t += step) xTicks.push(t);
  const yTicks: number[] = [];
  for (let t = minY; t <= maxY; t += (maxY - minY) / 4) yTicks.push(t);
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="scatter-svg-title" style={{ width: '100%', height: 'auto' }}>
      <title id="scatter-svg-title">Latency (ms, single thread) vs PCKh (percent); Pareto front marked</title>
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
          {t.toFixed(step < 1 ? 1 : 0)}
        </text>
      ))}
      <text x={(WIDTH + M.left) / 2} y={HEIGHT - 4} textAnchor="middle">
        latency per instance (ms)
      </text>
      <path d={frontPath} fill="none" stroke="#8c94a4" strokeDasharray="5 4" strokeWidth={1.2}>
        <title>Pareto front</title>
      </path>
      {points.map((p) => (
        <g key={p.variantId} opacity={highlighted.includes(p.variantId) ? 1 : 0.55}>
          <circle cx={x(p.latencyMs)} cy={y(p.pckh)} r={6} fill={p.pareto ? colorOf(p.variantId) : 'none'} stroke={colorOf(p.variantId)} strokeWidth={2}>
            <title>{`${p.variantName}: ${p.latencyMs.toFixed(2)} ms, PCKh ${p.pckh.toFixed(2)}${p.pareto ? ' (Pareto-optimal)' : ''}`}</title>
          </circle>
          <text
            x={x(p.latencyMs) > WIDTH * 0.7 ? x(p.latencyMs) - 9 : x(p.latencyMs) + 9}
            y={y(p.pckh) - 7}
            textAnchor={x(p.latencyMs) > WIDTH * 0.7 ? 'end' : 'start'}
            style={{ fill: 'var(--text)' }}
          >
            {p.variantName}
          </text>
        </g>
      ))}
    </svg>
  );
});

function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = v / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}
