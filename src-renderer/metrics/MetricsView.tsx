import { useMemo } from 'react';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { PROTOCOL_INFO } from '../shared/protocol-info.ts';
import { MetricsTable } from './MetricsTable.tsx';
import { JointBarChart } from './JointBarChart.tsx';
import { CurvesChart } from './CurvesChart.tsx';
import { PerJointTable } from './PerJointTable.tsx';
import { useVariants } from '../shared/useVariants.ts';
import { ErrorClassChart, WhatIfTable } from './ErrorClassesPanel.tsx';
import { intervalLookup } from './intervals.ts';
import { ReportExport } from './ReportExport.tsx';
import './metrics.css';

export function MetricsView() {
  const protocol = useUi((s) => s.protocol);
  const setView = useUi((s) => s.setView);
  const { visible } = useVariants();
  // Keep the last table on screen while the other protocol's loads (no flash of "Loading…").
  const table = useApi('metrics:table', { protocol }, { placeholderData: (previous) => previous });
  const curves = useApi('metrics:curves', { protocol }, { placeholderData: (previous) => previous });
  const toggles = useUi((s) => s.metrics);
  const setMetrics = useUi((s) => s.setMetrics);
  // Only fetched when shown: a bootstrap (B = 2000) and the error classes cost more than the table.
  const stats = useApi('stats:variant', { protocol }, { enabled: toggles.intervals });
  const classes = useApi('analysis:errorClasses', { protocol }, { enabled: toggles.errorClasses });
  const intervals = useMemo(() => (toggles.intervals && stats.data ? intervalLookup(stats.data) : null), [toggles.intervals, stats.data]);
  const colorIndex = useMemo(() => {
    const rows = new Map((table.data?.rows ?? []).map((row, index) => [row.variantId, index]));
    return (variantId: string, fallback: number) => rows.get(variantId) ?? fallback;
  }, [table.data]);
  if (table.error)
    return (
      <div className="view">
        <div className="error-box">{table.error.message}</div>
      </div>
    );
  if (!table.data)
    return (
      <div className="view">
        <div className="empty">Loading metrics…</div>
      </div>
    );
  const data = table.data;
  const info = data.protocol !== null ? PROTOCOL_INFO[data.protocol] : null;
  return (
    <div className="view" style={{ height: '100%' }}>
      <section className="panel" aria-labelledby="metrics-table-title">
        <h2 id="metrics-table-title">
          PCKh per joint{' '}
          {info ? (
            <span className="protocol-name" title={info.details}>
              {info.name}
            </span>
          ) : null}{' '}
          {info?.note ? (
            <span className="protocol-note" title={info.details} aria-label={`${info.note}. ${info.details}`} tabIndex={0}>
              {info.note}
            </span>
          ) : null}{' '}
          <span className="hint">
            {info ? `${info.source} · ` : ''}GT revision {data.gtRevision ?? '–'} · threshold 0.5 × head size · best per column marked ▲
          </span>
        </h2>
        {data.rows.length === 0 ? (
          <div className="empty" data-testid="metrics-empty">
            {visible.length > 0
              ? `No variant is evaluated yet: ${visible.length === 1 ? 'one is' : `${visible.length} are`} registered; start a run in `
              : 'No variants yet: add a model or import predictions in '}
            <button type="button" className="link" onClick={() => setView('runs')}>
              Runs
            </button>
            {visible.length > 0 ? '.' : ', then start a run.'}
          </div>
        ) : (
          <>
            <div className="metrics-toggles" role="group" aria-label="Show">
              <label title="Paired percentile bootstrap over persons (2000 replicates, seed 1), as posebench stats">
                <input type="checkbox" checked={toggles.intervals} onChange={(e) => setMetrics({ intervals: e.target.checked })} />
                95% intervals
              </label>
              <label title="Why joints are missed (jitter / inversion / swap / miss) and the PCKh with each fixed, as posebench analyze">
                <input type="checkbox" checked={toggles.errorClasses} onChange={(e) => setMetrics({ errorClasses: e.target.checked })} />
                error classes
              </label>
              {toggles.intervals && stats.isFetching ? <span>computing intervals…</span> : null}
              {toggles.intervals && stats.error ? <span className="error">{stats.error.message}</span> : null}
              <ReportExport protocol={protocol} ci={toggles.intervals} />
            </div>
            <div className="table-scroll">
              <MetricsTable table={data} intervals={intervals} />
            </div>
          </>
        )}
      </section>
      {data.rows.length > 0 && toggles.errorClasses ? (
        <section className="panel" aria-labelledby="error-classes-title">
          <h2 id="error-classes-title">
            Why joints are missed <span className="hint">joints not hit at 0.5, by class (coco-analyze's taxonomy) · what-if PCKh over the 14 mean joints</span>
          </h2>
          {classes.error ? <div className="error-box">{classes.error.message}</div> : null}
          {classes.data ? (
            <div className="grid-2">
              <div className="chart-cap">
                <ErrorClassChart report={classes.data} colorIndex={colorIndex} />
              </div>
              <div className="table-scroll">
                <WhatIfTable report={classes.data} colorIndex={colorIndex} />
              </div>
            </div>
          ) : !classes.error ? (
            <div className="empty">Classifying errors…</div>
          ) : null}
        </section>
      ) : null}
      {data.rows.length > 0 ? (
        <div className="grid-2">
          <section className="panel" aria-labelledby="joint-bars-title">
            <h2 id="joint-bars-title">
              PCKh by joint <span className="hint">pelvis and thorax (shaded) do not count in the mean{intervals ? ' · bars: 95% intervals' : ''}</span>
            </h2>
            <JointBarChart table={data} intervals={intervals} />
          </section>
          <section className="panel" aria-labelledby="curves-title">
            <h2 id="curves-title">PCKh vs threshold</h2>
            {curves.data ? <CurvesChart curves={curves.data} /> : <div className="empty">Loading curves…</div>}
          </section>
        </div>
      ) : null}
      {data.rows.length > 0 ? (
        <section className="panel" aria-labelledby="per-joint-title">
          <h2 id="per-joint-title">
            Per joint, right and left <span className="hint">PCKh@0.5 · pelvis and thorax are not in the mean</span>
          </h2>
          <div className="table-scroll">
            <PerJointTable table={data} />
          </div>
        </section>
      ) : null}
    </div>
  );
}
