import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { PROTOCOL_INFO } from '../shared/protocol-info.ts';
import { MetricsTable } from './MetricsTable.tsx';
import { JointBarChart } from './JointBarChart.tsx';
import { CurvesChart } from './CurvesChart.tsx';

export function MetricsView() {
  const protocol = useUi((s) => s.protocol);
  // Keep the last table on screen while the other protocol's loads (no flash of "Loading…").
  const table = useApi('metrics:table', { protocol }, { placeholderData: (previous) => previous });
  const curves = useApi('metrics:curves', { protocol }, { placeholderData: (previous) => previous });
  if (table.error) return <div className="view"><div className="error-box">{table.error.message}</div></div>;
  if (!table.data) return <div className="view"><div className="empty">Loading metrics…</div></div>;
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
          <span className="hint">{info ? `${info.source} · ` : ''}GT revision {data.gtRevision ?? '–'} · threshold 0.5 × head size · best per column marked ▲</span>
        </h2>
        {data.rows.length === 0 ? (
          <div className="empty">No evaluated variants yet. Add a model or import predictions, then start a run.</div>
        ) : (
          <div className="table-scroll">
            <MetricsTable table={data} />
          </div>
        )}
      </section>
      {data.rows.length > 0 ? (
        <div className="grid-2">
          <section className="panel" aria-labelledby="joint-bars-title">
            <h2 id="joint-bars-title">PCKh by joint</h2>
            <JointBarChart table={data} />
          </section>
          <section className="panel" aria-labelledby="curves-title">
            <h2 id="curves-title">PCKh vs threshold</h2>
            {curves.data ? <CurvesChart curves={curves.data} /> : <div className="empty">Loading curves…</div>}
          </section>
        </div>
      ) : null}
    </div>
  );
}
