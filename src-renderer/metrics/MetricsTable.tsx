import { memo, useLayoutEffect, useMemo, useRef } from 'react';
import type { MetricsTable as MetricsTableData } from '../../src-main/api/contract.ts';
import { fmtPct } from '../shared/format.ts';
import { LatencyCell } from '../shared/LatencyCell.tsx';
import { variantColor } from '../shared/colors.ts';
import { perfMark } from '../shared/perf.ts';
import { fmtInterval, type IntervalLookup } from './intervals.ts';

/**
 * The per-joint table as the study prints it: one row per variant, best per column marked; with
 * `intervals`, each value's bootstrap interval under it (issue 16).
 */
export const MetricsTable = memo(function MetricsTable({ table, intervals = null }: { table: MetricsTableData; intervals?: IntervalLookup | null }) {
  const started = useRef(performance.now());
  started.current = performance.now();
  const best = useMemo(() => {
    const result = new Map<string, number>();
    for (const column of table.columns) {
      let max = -Infinity;
      for (const row of table.rows) max = Math.max(max, row.values[column] ?? -Infinity);
      result.set(column, max);
    }
    return result;
  }, [table]);

  useLayoutEffect(() => {
    perfMark('metrics-table-render', performance.now() - started.current);
  });

  return (
    <table className="data" aria-label="PCKh per joint">
      <thead>
        <tr>
          <th scope="col">Variant</th>
          {table.columns.map((column) => (
            <th scope="col" key={column}>
              {column}
            </th>
          ))}
          <th
            scope="col"
            title="Single-thread session.run latency per instance: median ± half the p5–p95 range (hover a cell for the distribution). Marked only when the fastest variant's p95 is below every other variant's p5."
          >
            Latency (ms)
          </th>
          <th scope="col">N</th>
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, index) => (
          <tr key={row.variantId}>
            <th scope="row" style={{ textAlign: 'left', fontWeight: 500, color: 'var(--text)', position: 'static', background: 'transparent' }}>
              <span className="swatch" style={{ background: variantColor(index) }} aria-hidden="true" />
              {row.variantName}
            </th>
            {table.columns.map((column) => {
              const value = row.values[column];
              const isBest = table.rows.length > 1 && value !== null && value === best.get(column);
              const ci = intervals ? fmtInterval(intervals.column(row.variantId, column)) : '';
              return (
                <td
                  key={column}
                  className={[isBest ? 'best' : '', ci !== '' ? 'with-ci' : ''].join(' ').trim() || undefined}
                  data-column={column}
                  aria-label={isBest ? `${fmtPct(value)} (best)` : undefined}
                >
                  {ci !== '' ? <span className="v">{fmtPct(value)}</span> : fmtPct(value)}
                  {ci !== '' ? (
                    <span
                      className="ci"
                      title={`${Math.round((intervals?.confidence ?? 0.95) * 100)}% paired-bootstrap interval over persons (${intervals?.bootstrap} replicates)`}
                    >
                      {' '}
                      {ci}
                    </span>
                  ) : null}
                </td>
              );
            })}
            {/* The engine marks the fastest only when the distributions separate: the medians' order alone may be noise. */}
            <LatencyCell latency={row.latency} best={table.rows.length > 1 && row.latencyClearlyBest} />
            <td className="muted">{row.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
