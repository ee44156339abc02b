/**
 * The variants of the workspace, hidden ones included (greyed) so they can be shown again. Each row
 * has a run checkbox, its options label, a stale note when its numbers are not from what would run
 * now, and a details row (manifest, histories, management) opened by its toggle.
 */
import { Fragment } from 'react';
import type { VariantSummary } from '../../src-main/api/contract.ts';
import { LatencyCell } from '../shared/LatencyCell.tsx';
import { VariantDetails } from './VariantDetails.tsx';

const COLUMNS = 8;

export function VariantsTable(props: {
  variants: readonly VariantSummary[];
  checked: ReadonlySet<string>;
  onCheck: (id: string, checked: boolean) => void;
  expanded: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onRemoved: (variantId: string, message: string) => void;
}) {
  return (
    <div className="table-scroll">
      <table className="data variants-table" aria-label="Variants">
        <thead>
          <tr>
            <th scope="col" className="left">
              Run
            </th>
            <th scope="col" className="left">
              Variant
            </th>
            <th scope="col" className="left">
              Kind
            </th>
            <th scope="col" className="left">
              Source
            </th>
            <th scope="col" className="left">
              Status
            </th>
            <th scope="col">Predicted</th>
            <th scope="col">Failed</th>
            <th scope="col" title="Single-thread session.run latency: median ± half the p5–p95 range">
              Latency (ms)
            </th>
          </tr>
        </thead>
        <tbody>
          {props.variants.map((v) => {
            const open = props.expanded.has(v.id);
            return (
              <Fragment key={v.id}>
                <tr className={v.hidden ? 'hidden-variant' : undefined} aria-label={`Variant ${v.name}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Run ${v.name}`}
                      disabled={v.kind !== 'model' || v.status === 'running'}
                      checked={props.checked.has(v.id)}
                      onChange={(e) => props.onCheck(v.id, e.target.checked)}
                    />
                  </td>
                  <td className="left variant-cell">
                    <div className="variant-name">
                      <button
                        type="button"
                        className="disclosure"
                        aria-expanded={open}
                        aria-label={`Details of ${v.name}`}
                        onClick={() => props.onToggle(v.id)}
                      >
                        {open ? '▾' : '▸'}
                      </button>
                      <span className="name">{v.name}</span>
                      {v.optionsLabel !== '' ? (
                        <span className="tag" title="Decoder options set on this variant (over the model sidecar's)">
                          {v.optionsLabel}
                        </span>
                      ) : null}
                      {v.hidden ? <span className="tag hidden-tag">hidden</span> : null}
                    </div>
                    {v.stale !== null ? (
                      <div className="stale-note" role="note" aria-label={`${v.name} is stale`}>
                        stale: {v.stale}
                      </div>
                    ) : null}
                  </td>
                  <td className="left">{v.kind}</td>
                  <td className="mono left source-cell" title={v.source}>
                    {v.source}
                  </td>
                  <td className="left">
                    <span className={`status-pill ${v.status}`} title={v.error ?? undefined}>
                      {v.status}
                    </span>
                  </td>
                  <td>{v.predictedCount}</td>
                  <td>{v.failureCount}</td>
                  <LatencyCell latency={v.latency} />
                </tr>
                {open ? (
                  <tr className="details-row">
                    <td colSpan={COLUMNS}>
                      <VariantDetails variant={v} onRemoved={props.onRemoved} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
