/**
 * Re-evaluation after corrections: per joint and variant, PCKh against the original annotations and
 * against the corrected ones with the difference, and every joint whose hit/miss verdict changed
 * (a click opens that instance in the editor with the joint selected).
 */
import type { MetricColumn, ReevaluationVariant } from '../../src-main/api/contract.ts';
import { useApi } from '../bridge/queries.ts';
import { useUi } from '../app/ui-store.ts';
import { VariantSelect } from '../shared/JointSelect.tsx';
import { DISPLAY_JOINT_ORDER, jointLabel } from '../shared/joint-order.ts';
import { useAnnotate } from './annotate-store.ts';

const SUMMARY_COLUMNS: readonly MetricColumn[] = ['PCKh', 'PCKh@0.1'];

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : v.toFixed(2));

function Delta({ before, after }: { before: number | null | undefined; after: number | null | undefined }) {
  if (before === null || before === undefined || after === null || after === undefined) return <td>–</td>;
  const d = after - before;
  const shown = Math.abs(d) < 0.005 ? '0.00' : `${d > 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`;
  return <td className={Math.abs(d) < 0.005 ? 'muted' : d > 0 ? 'pos' : 'neg'}>{shown}</td>;
}

export function ReevaluationPanel() {
  const protocol = useUi((s) => s.protocol);
  const query = useApi('corrections:reevaluate', { protocol });
  const chosenId = useAnnotate((s) => s.reevalVariantId);
  const setChosen = useAnnotate((s) => s.setReevalVariant);
  const openInEditor = useAnnotate((s) => s.openInEditor);
  const data = query.data;
  const variants = data?.variants ?? [];
  const variant: ReevaluationVariant | undefined = variants.find((v) => v.variantId === chosenId) ?? variants[0];
  const changes = variants.flatMap((v) => v.changes.map((c) => ({ ...c, variantName: v.variantName, variantId: v.variantId })));

  return (
    <section className="panel" aria-labelledby="reeval-title">
      <h2 id="reeval-title">Re-evaluation</h2>
      <div className="muted" style={{ marginTop: -4, marginBottom: 8, fontSize: 12 }}>
        {data
          ? `PCKh (${data.protocol}) against the original vs the corrected GT (revision ${data.gtRevision}, ${data.correctedInstanceCount} instance${data.correctedInstanceCount === 1 ? '' : 's'} corrected)`
          : ''}
      </div>
      {query.error ? <div className="error-box">{query.error.message}</div> : null}
      {!data ? (
        query.error ? null : (
          <div className="muted">Loading…</div>
        )
      ) : variants.length === 0 ? (
        <div className="muted">No evaluated variants yet.</div>
      ) : (
        <>
          <table className="data compact" aria-label="PCKh before and after corrections by variant">
            <thead>
              <tr>
                <th>Variant</th>
                <th>PCKh orig.</th>
                <th>corr.</th>
                <th>Δ</th>
                <th>changed</th>
              </tr>
            </thead>
            <tbody>
              {variants.map((v) => (
                <tr key={v.variantId} className="clickable" aria-selected={v.variantId === variant?.variantId} onClick={() => setChosen(v.variantId)}>
                  <th scope="row" className="left" style={{ fontWeight: 400 }}>
                    {v.variantName}
                  </th>
                  <td>{fmt(v.originalValues.PCKh)}</td>
                  <td>{fmt(v.correctedValues.PCKh)}</td>
                  <Delta before={v.originalValues.PCKh} after={v.correctedValues.PCKh} />
                  <td>{v.changes.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="toolbar" style={{ margin: '10px 0 6px' }}>
            <VariantSelect
              value={variant?.variantId ?? null}
              onChange={(id) => setChosen(id)}
              variants={variants.map((v) => ({ id: v.variantId, name: v.variantName }))}
              label="Per joint for"
            />
          </div>
          {variant ? (
            <div>
              <table className="data compact" aria-label={`PCKh per joint, original vs corrected, ${variant.variantName}`}>
                <thead>
                  <tr>
                    <th>Joint</th>
                    <th>original</th>
                    <th>corrected</th>
                    <th>Δ</th>
                  </tr>
                </thead>
                <tbody>
                  {DISPLAY_JOINT_ORDER.map((j) => (
                    <tr key={j}>
                      <th scope="row" className="left" style={{ fontWeight: 400 }}>
                        {jointLabel(j)}
                      </th>
                      <td>{fmt(variant.originalPerJoint[j])}</td>
                      <td>{fmt(variant.correctedPerJoint[j])}</td>
                      <Delta before={variant.originalPerJoint[j]} after={variant.correctedPerJoint[j]} />
                    </tr>
                  ))}
                  {SUMMARY_COLUMNS.map((c) => (
                    <tr key={c} className="total">
                      <th scope="row" className="left">
                        {c}
                      </th>
                      <td>{fmt(variant.originalValues[c])}</td>
                      <td>{fmt(variant.correctedValues[c])}</td>
                      <Delta before={variant.originalValues[c]} after={variant.correctedValues[c]} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          <h2 style={{ marginTop: 12 }}>
            Changed verdicts <span className="hint">{changes.length} (click to open)</span>
          </h2>
          {changes.length === 0 ? (
            <div className="muted">No hit/miss verdict changed.</div>
          ) : (
            <ul className="changes" aria-label="Instances whose hit/miss changed">
              {changes.slice(0, 300).map((c) => (
                <li key={`${c.variantId}-${c.instanceIndex}-${c.joint}`}>
                  <button type="button" className="link" onClick={() => openInEditor(c.instanceIndex, c.joint)}>
                    instance {c.instanceIndex} · {jointLabel(c.joint)} · {c.variantName}: {c.before} → {c.after}
                    {c.errorBefore !== null && c.errorAfter !== null ? ` (${c.errorBefore.toFixed(3)} → ${c.errorAfter.toFixed(3)})` : ''}
                  </button>
                </li>
              ))}
              {changes.length > 300 ? <li className="muted">… and {changes.length - 300} more</li> : null}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
