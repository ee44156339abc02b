import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { PROTOCOL_INFO } from '../shared/protocol-info.ts';
import { MetricsTable } from './MetricsTable.tsx';
import { JointBarChart } from './JointBarChart.tsx';
import { CurvesChart } from './CurvesChart.tsx';
import { PerJointTable } from './PerJointTable.tsx';
import { useVariants } from '../shared/useVariants.ts';

export function MetricsView() {
  const protocol = useUi((s) => s.protocol);
  const setView = useUi((s) => s.setView);
  const { visible } = useVariants();
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
          <div className="table-scroll">
            <MetricsTable table={data} />
          </div>
        )}
      </section>
      {data.rows.length > 0 ? (
        <div className="grid-2">
          <section className="panel" aria-labelledby="joint-bars-title">
            <h2 id="joint-bars-title">
              PCKh by joint <span className="hint">pelvis and thorax (shaded) do not count in the mean</span>
            </h2>
            <JointBarChart table={data} />
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
