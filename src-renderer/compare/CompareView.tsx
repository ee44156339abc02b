/**
 * Compare 2–4 variants: delta table against the first (baseline), speed/accuracy scatter with the
 * Pareto front, a hit/miss filter ("A hits, B misses on joint X") and synchronised image panes
 * (one shared zoom/pan).
 */
import { useEffect, useMemo, useState } from 'react';
import { METRIC_COLUMNS, type CompareRow, type PairColumn } from '../../src-main/api/contract.ts';
import type { PckhProtocol } from '../../src-main/core/types.ts';
import { fmtInterval, intervalLookup } from '../metrics/intervals.ts';
import '../metrics/metrics.css';
import { useApi } from '../bridge/queries.ts';
import { useUi, type CompareRelation } from '../app/ui-store.ts';
import { InstanceViewer } from '../annotate/InstanceViewer.tsx';
import type { Viewport } from '../annotate/viewport.ts';
import { variantColor } from '../shared/colors.ts';
import { fmtDelta, fmtPct } from '../shared/format.ts';
import { LatencyCell } from '../shared/LatencyCell.tsx';
import { JointSelect } from '../shared/JointSelect.tsx';
import { jointLabel } from '../shared/joint-order.ts';
import { useVariants } from '../shared/useVariants.ts';
import { ScatterChart } from './ScatterChart.tsx';

// Short option texts (the variants are named in the A and B pickers above), so nothing is cut off.
const RELATIONS: readonly { value: CompareRelation; label: (a: string, b: string) => string }[] = [
  { value: 'a-hit-b-miss', label: () => 'A hits, B misses' },
  { value: 'a-miss-b-hit', label: () => 'A misses, B hits' },
  { value: 'both-miss', label: () => 'both miss' },
  { value: 'both-hit', label: () => 'both hit' },
];

function scatterIds(points: readonly { variantId: string }[] | undefined): Set<string> {
  return new Set((points ?? []).map((p) => p.variantId));
}

export function CompareView() {
  const { evaluated, order } = useVariants();
  const { variantIds, joint, relation } = useUi((s) => s.compare);
  const setCompare = useUi((s) => s.setCompare);
  const protocol = useUi((s) => s.protocol);
  const selected = useMemo(() => {
    const valid = variantIds.filter((id) => evaluated.some((v) => v.id === id));
    return valid.length >= 2 ? valid : evaluated.slice(0, Math.min(2, evaluated.length)).map((v) => v.id);
  }, [variantIds, evaluated]);
  const nameOf = (id: string) => evaluated.find((v) => v.id === id)?.name ?? id;
  const colorOf = (id: string) => variantColor(Math.max(0, order.indexOf(id)));

  const toggle = (id: string) => {
    if (selected.includes(id)) {
      if (selected.length > 2) setCompare({ variantIds: selected.filter((x) => x !== id) });
    } else if (selected.length < 4) setCompare({ variantIds: [...selected, id] });
  };

  const enough = selected.length >= 2;
  const table = useApi('compare:table', { variantIds: selected, protocol }, { enabled: enough });
  const scatter = useApi('compare:scatter', { protocol });
  // PCKh intervals for the scatter's vertical bars (issue 16): the same call as Metrics' toggle.
  const stats = useApi('stats:variant', { protocol });
  const pckhInterval = useMemo(() => {
    const lookup = stats.data ? intervalLookup(stats.data) : null;
    return (variantId: string) => lookup?.column(variantId, 'PCKh');
  }, [stats.data]);
  // The filter's pair: any two of the chosen variants (default the first two).
  const [pair, setPair] = useState<readonly [string | null, string | null]>([null, null]);
  const a = pair[0] !== null && selected.includes(pair[0]) ? pair[0] : (selected[0] ?? '');
  const bChoice = pair[1] !== null && selected.includes(pair[1]) && pair[1] !== a ? pair[1] : null;
  const b = bChoice ?? selected.find((id) => id !== a) ?? '';
  const withoutLatency = evaluated.filter((v) => !scatterIds(scatter.data).has(v.id));
  const filter = useApi('compare:filter', { a, b, joint, relation, protocol }, { enabled: enough });
  const [instance, setInstance] = useState<number | null>(null);
  useEffect(() => setInstance(filter.data?.instanceIndices[0] ?? null), [filter.data]);

  if (evaluated.length < 2)
    return (
      <div className="view">
        <div className="empty">Compare needs at least two evaluated variants.</div>
      </div>
    );

  return (
    <div className="view" style={{ height: '100%', display: 'flex', flexDirection: 'column' }}>
      <div className="toolbar">
        <span className="muted">Variants (2–4, first is the baseline):</span>
        <div className="chips" role="group" aria-label="Variants to compare">
          {evaluated.map((v) => (
            <button key={v.id} type="button" className="chip" aria-pressed={selected.includes(v.id)} onClick={() => toggle(v.id)}>
              <span className="swatch" style={{ background: colorOf(v.id) }} aria-hidden="true" />
              {v.name}
              {selected[0] === v.id ? <span className="muted"> (baseline)</span> : null}
            </button>
          ))}
        </div>
      </div>
      <div className="grid-2 compare-grid">
        <section className="panel" aria-labelledby="delta-title">
          <h2 id="delta-title">
            Difference to baseline <span className="hint">percentage points · ● the 95% interval of Δ excludes 0 (hover: interval, McNemar / Holm p)</span>
          </h2>
          {table.data ? (
            <div className="table-scroll">
              <table className="data" aria-label="Difference to baseline">
                <thead>
                  <tr>
                    <th scope="col">Variant</th>
                    {METRIC_COLUMNS.map((c) => (
                      <th scope="col" key={c}>
                        {c}
                      </th>
                    ))}
                    <th scope="col" title="Single-thread session.run latency: median ± half the p5–p95 range">
                      Latency (ms)
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {table.data.rows.map((row, i) => (
                    <tr key={row.variantId}>
                      <th scope="row" style={{ textAlign: 'left', fontWeight: 500, color: 'var(--text)', position: 'static', background: 'transparent' }}>
                        <span className="swatch" style={{ background: colorOf(row.variantId) }} aria-hidden="true" />
                        {row.variantName}
                      </th>
                      {i === 0 ? (
                        METRIC_COLUMNS.map((c) => <td key={c}>{fmtPct(row.values[c])}</td>)
                      ) : (
                        <DeltaCells row={row} baselineId={table.data.rows[0]!.variantId} protocol={protocol} />
                      )}
                      <LatencyCell latency={row.latency} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <div className="empty">{table.error?.message ?? 'Loading…'}</div>
          )}
        </section>
        <section className="panel" aria-labelledby="scatter-title">
          <h2 id="scatter-title">
            Speed vs accuracy <span className="hint">Pareto front joined{stats.data ? ' · vertical bars: PCKh 95% intervals' : ''}</span>
          </h2>
          {scatter.data ? (
            <ScatterChart points={scatter.data} colorOf={colorOf} highlighted={selected} pckhInterval={pckhInterval} />
          ) : (
            <div className="empty">Loading…</div>
          )}
          {scatter.data && withoutLatency.length > 0 ? (
            <p className="muted" data-testid="scatter-missing-note" style={{ margin: '4px 0 0' }}>
              Not in the scatter (no latency): {withoutLatency.map((v) => `${v.name}${v.kind === 'predictions' ? ' (imported predictions)' : ''}`).join(', ')}.
            </p>
          ) : null}
        </section>
      </div>
      <section
        className="panel"
        style={{ flex: 1, minHeight: 380, display: 'grid', gridTemplateColumns: '300px 1fr', gap: 12, marginBottom: 0 }}
        aria-label="Instance comparison"
      >
        <div className="column" style={{ minHeight: 0 }}>
          <div className="toolbar stack compare-filter">
            <JointSelect value={joint} onChange={(j) => setCompare({ joint: j ?? 15 })} />
            <label>
              A
              <select aria-label="Filter variant A" value={a} onChange={(e) => setPair([e.target.value, b === e.target.value ? a : b])}>
                {selected.map((id) => (
                  <option key={id} value={id}>
                    {nameOf(id)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              B
              <select aria-label="Filter variant B" value={b} onChange={(e) => setPair([a === e.target.value ? b : a, e.target.value])}>
                {selected.map((id) => (
                  <option key={id} value={id}>
                    {nameOf(id)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Filter
              <select aria-label="Filter" value={relation} onChange={(e) => setCompare({ relation: e.target.value as CompareRelation })}>
                {RELATIONS.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label(nameOf(a), nameOf(b))}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="muted" aria-live="polite" style={{ marginBottom: 4 }}>
            {filter.data ? `${filter.data.total} instances on ${jointLabel(joint)}` : '…'}
          </div>
          <div className="list-scroll">
            <table className="data" aria-label="Filtered instances">
              <thead>
                <tr>
                  <th scope="col">Instance</th>
                </tr>
              </thead>
              <tbody>
                {(filter.data?.instanceIndices ?? []).slice(0, 500).map((index) => (
                  <tr
                    key={index}
                    className="clickable"
                    aria-selected={instance === index}
                    tabIndex={0}
                    onClick={() => setInstance(index)}
                    onKeyDown={(e) => e.key === 'Enter' && setInstance(index)}
                  >
                    <td>{index}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
        {instance !== null ? (
          <LinkedPanes instance={instance} variantIds={selected} joint={joint} colorOf={colorOf} />
        ) : (
          <div className="empty">No instance matches.</div>
        )}
      </section>
    </div>
  );
}

/**
 * A row's Δ to the baseline, each marked when its paired-bootstrap interval excludes 0, with the
 * interval and McNemar's p (Holm-adjusted over the 9 columns) on hover: `stats:compare` (row = A,
 * baseline = B), the function `posebench compare` runs.
 */
function DeltaCells({ row, baselineId, protocol }: { row: CompareRow; baselineId: string; protocol: PckhProtocol }) {
  const pair = useApi('stats:compare', { a: row.variantId, b: baselineId, protocol });
  const columns = useMemo(() => new Map((pair.data?.columns ?? []).map((c) => [c.name, c])), [pair.data]);
  return (
    <>
      {METRIC_COLUMNS.map((c) => {
        const delta = row.deltas[c];
        const test = columns.get(c);
        const classes = [delta === null || Math.abs(delta) < 0.005 ? '' : delta > 0 ? 'pos' : 'neg', test?.delta_excludes_zero ? 'sig' : ''].join(' ').trim();
        return (
          <td
            key={c}
            className={classes || undefined}
            title={
              pair.error
                ? `${fmtPct(row.values[c])}; no interval: ${pair.error.message}`
                : pair.isLoading
                  ? `${fmtPct(row.values[c])}; computing the interval…`
                  : deltaTitle(fmtPct(row.values[c]), test, pair.data?.confidence)
            }
            data-column={c}
            data-significant={test ? String(test.delta_excludes_zero) : undefined}
          >
            {delta === null ? '–' : fmtDelta(delta)}
            {test?.delta_excludes_zero ? (
              <span className="sig-mark" aria-label="interval excludes 0">
                {' '}
                ●
              </span>
            ) : null}
          </td>
        );
      })}
    </>
  );
}

function fmtP(p: number): string {
  return p === 0 ? '0' : p < 1e-4 ? p.toExponential(1) : p.toPrecision(3);
}

function deltaTitle(value: string, test: PairColumn | undefined, confidence: number | undefined): string {
  if (test === undefined) return value;
  const level = Math.round((confidence ?? 0.95) * 100);
  const ci = fmtInterval(test.delta_ci);
  const lines = [
    `${value}; Δ ${test.delta === null ? '–' : fmtDelta(test.delta)}${ci ? `, ${level}% interval ${ci}` : ''}${test.delta_excludes_zero ? ' (excludes 0)' : ' (includes 0)'}`,
  ];
  if (test.mcnemar_p !== null && test.holm_p !== null) {
    lines.push(
      `McNemar p = ${fmtP(test.mcnemar_p)}, Holm p = ${fmtP(test.holm_p)}${test.mcnemar ? ` (joints hit only by this variant: ${test.mcnemar.b}, only by the baseline: ${test.mcnemar.c})` : ''}`,
    );
  }
  return lines.join('\n');
}

function LinkedPanes({
  instance,
  variantIds,
  joint,
  colorOf,
}: {
  instance: number;
  variantIds: readonly string[];
  joint: number;
  colorOf: (id: string) => string;
}) {
  const protocol = useUi((s) => s.protocol);
  const detail = useApi('instance:get', { instanceIndex: instance, variantIds: [...variantIds], protocol });
  const [view, setView] = useState<Viewport | null>(null);
  useEffect(() => setView(null), [instance]);
  if (!detail.data) return <div className="empty">{detail.error?.message ?? 'Loading…'}</div>;
  const data = detail.data;
  return (
    <div className="panes" style={{ gridTemplateColumns: `repeat(${variantIds.length}, minmax(0, 1fr))` }}>
      {data.predictions.map((prediction) => {
        const e = prediction.normalizedErrors[joint];
        const hit = prediction.hits[joint];
        return (
          <div className="pane" key={prediction.variantId}>
            <div className="pane-title">
              <span className="swatch" style={{ background: colorOf(prediction.variantId) }} aria-hidden="true" />
              {prediction.variantName} · {jointLabel(joint)}: {e === null || e === undefined ? '–' : e.toFixed(3)}{' '}
              <span className={hit ? 'pos' : 'neg'} style={{ color: hit ? 'var(--good)' : 'var(--bad)' }}>
                {hit === null ? '' : hit ? 'hit' : 'miss'}
              </span>
            </div>
            <InstanceViewer
              detail={data}
              overlays={[{ prediction, color: colorOf(prediction.variantId) }]}
              focusJoint={joint}
              view={view}
              onViewChange={setView}
              label={`Instance ${instance}, ${prediction.variantName} (linked zoom and pan)`}
            />
          </div>
        );
      })}
    </div>
  );
}
