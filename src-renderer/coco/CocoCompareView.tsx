/**
 * Compare on a COCO keypoint dataset (issue 18): two variants' ten numbers side by side, then keypoint
 * by keypoint the OKS accuracy at 0.5 of each (unmatched persons count as misses, so both are judged on
 * the same keypoints), the keypoint AP of each, and the persons one gets right and the other not — a
 * cell opens its persons as cards, a card the image.
 */
import { useState } from 'react';
import { COCO_STAT_NAMES, type CocoCompareRelation } from '../../src-main/api/contract.ts';
import { useUi } from '../app/ui-store.ts';
import { useApi } from '../bridge/queries.ts';
import { variantColor } from '../shared/colors.ts';
import { PersonCard } from './CocoBrowseView.tsx';
import { useCocoUi } from './coco-store.ts';
import { keypointLabel, pct } from './coco-format.ts';
import './coco.css';

const fmtDelta = (a: number | null, b: number | null): string => (a === null || b === null ? '–' : `${b - a > 0 ? '+' : ''}${(100 * (b - a)).toFixed(1)}`);

export function CocoCompareView() {
  const variants = useApi('coco:variants', {});
  const workspace = useApi('workspace:get', {});
  const skeleton = workspace.data?.dataset?.coco?.skeleton ?? [];
  const list = variants.data ?? [];
  const [picked, setPicked] = useState<{ a: string | null; b: string | null }>({ a: null, b: null });
  const [cell, setCell] = useState<{ keypoint: number; relation: CocoCompareRelation } | null>(null);
  const openImage = useCocoUi((s) => s.openImage);
  const setBrowse = useCocoUi((s) => s.setBrowse);
  const setView = useUi((s) => s.setView);
  // a picked variant that was removed since falls back to the first others
  const known = (id: string | null) => (id !== null && list.some((v) => v.id === id) ? id : null);
  const a = known(picked.a) ?? list[0]?.id ?? null;
  const b = known(picked.b) ?? list.find((v) => v.id !== a)?.id ?? null;
  const compare = useApi(
    'coco:compare',
    { a: a ?? '', b: b ?? '', ...(cell ? { keypoint: cell.keypoint, relation: cell.relation } : {}) },
    { enabled: a !== null && b !== null && a !== b, placeholderData: (p) => p },
  );
  if (list.length < 2)
    return (
      <div className="view">
        <div className="empty">Compare needs two variants: import another results file in Runs.</div>
      </div>
    );
  const data = compare.data;
  const colorOf = (id: string | null) =>
    variantColor(
      Math.max(
        0,
        list.findIndex((v) => v.id === id),
      ),
    );
  const pick = (side: 'a' | 'b') => (
    <select
      aria-label={`Variant ${side.toUpperCase()}`}
      value={(side === 'a' ? a : b) ?? ''}
      onChange={(e) => setPicked({ ...picked, [side]: e.target.value })}
    >
      {list.map((v) => (
        <option key={v.id} value={v.id}>
          {v.name}
        </option>
      ))}
    </select>
  );
  const cellButton = (k: number, relation: CocoCompareRelation, n: number) => (
    <button
      type="button"
      className="link"
      aria-pressed={cell?.keypoint === k && cell.relation === relation}
      onClick={() => setCell(cell?.keypoint === k && cell.relation === relation ? null : { keypoint: k, relation })}
      disabled={n === 0}
    >
      {n}
    </button>
  );
  return (
    <div className="view coco-compare" style={{ height: '100%' }}>
      <section className="panel" aria-labelledby="coco-compare-title">
        <h2 id="coco-compare-title">
          Compare <span className="hint">A against B · Δ = B − A in points · a count opens its persons</span>
        </h2>
        <div className="toolbar">
          <label>
            <span className="swatch" style={{ background: colorOf(a) }} aria-hidden="true" />A {pick('a')}
          </label>
          <label>
            <span className="swatch" style={{ background: colorOf(b) }} aria-hidden="true" />B {pick('b')}
          </label>
          {a === b ? <span className="error">pick two different variants</span> : null}
        </div>
        {compare.error ? <div className="error-box">{compare.error.message}</div> : null}
        {data ? (
          <>
            <div className="table-scroll">
              <table className="data" aria-label="OKS AP and AR, A and B">
                <thead>
                  <tr>
                    <th scope="col" />
                    {COCO_STAT_NAMES.map((n) => (
                      <th key={n} scope="col">
                        {n}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  <tr>
                    <th scope="row">A {data.a.name}</th>
                    {COCO_STAT_NAMES.map((n) => (
                      <td key={n}>{pct(data.aStats[n])}</td>
                    ))}
                  </tr>
                  <tr>
                    <th scope="row">B {data.b.name}</th>
                    {COCO_STAT_NAMES.map((n) => (
                      <td key={n}>{pct(data.bStats[n])}</td>
                    ))}
                  </tr>
                  <tr>
                    <th scope="row">Δ</th>
                    {COCO_STAT_NAMES.map((n) => (
                      <td key={n}>{fmtDelta(data.aStats[n], data.bStats[n])}</td>
                    ))}
                  </tr>
                </tbody>
              </table>
            </div>
            <div className="table-scroll">
              <table className="data" aria-label="Per keypoint, A and B">
                <thead>
                  <tr>
                    <th scope="col" style={{ textAlign: 'left' }}>
                      Keypoint
                    </th>
                    <th scope="col">n</th>
                    <th scope="col">A OKS acc .5</th>
                    <th scope="col">B OKS acc .5</th>
                    <th scope="col">Δ</th>
                    <th scope="col" title="A hits (KS ≥ 0.5), B misses">
                      A ✓ B ✗
                    </th>
                    <th scope="col" title="A misses, B hits">
                      A ✗ B ✓
                    </th>
                    <th scope="col">both ✗</th>
                    <th scope="col">A AP</th>
                    <th scope="col">B AP</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rows.map((row, k) => {
                    const ra = row.count > 0 ? row.aHits / row.count : null;
                    const rb = row.count > 0 ? row.bHits / row.count : null;
                    return (
                      <tr key={row.name}>
                        <th scope="row" style={{ textAlign: 'left' }}>
                          {keypointLabel(row.name)}
                        </th>
                        <td className="muted">{row.count}</td>
                        <td>{pct(ra)}</td>
                        <td>{pct(rb)}</td>
                        <td>{fmtDelta(ra, rb)}</td>
                        <td>{cellButton(k, 'a-hit-b-miss', row.aHitBMiss)}</td>
                        <td>{cellButton(k, 'a-miss-b-hit', row.aMissBHit)}</td>
                        <td>{cellButton(k, 'both-miss', row.bothMiss)}</td>
                        <td>{pct(row.aAp)}</td>
                        <td>{pct(row.bAp)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        ) : (
          <div className="empty">Comparing…</div>
        )}
      </section>
      {cell && data ? (
        <section className="panel" aria-labelledby="coco-compare-cell-title">
          <h2 id="coco-compare-cell-title">
            {keypointLabel(data.rows[cell.keypoint]?.name ?? '')}:{' '}
            {cell.relation === 'a-hit-b-miss'
              ? `${data.a.name} hits, ${data.b.name} misses`
              : cell.relation === 'a-miss-b-hit'
                ? `${data.a.name} misses, ${data.b.name} hits`
                : 'both miss'}{' '}
            <span className="hint">KS of B shown · open a card to see the image</span>
          </h2>
          <div className="coco-cards" role="list" aria-label="Persons of the cell">
            {data.persons.map((person) => (
              <PersonCard
                key={person.index}
                person={person}
                skeleton={skeleton}
                keypoint={cell.keypoint}
                keypointName={data.rows[cell.keypoint]?.name ?? null}
                color={colorOf(b)}
                withVariant
                onOpen={() => {
                  openImage(person.imageId, person.index, [...new Set(data.persons.map((p) => p.imageId))]);
                  setBrowse({ variantId: b });
                  setView('annotate');
                }}
              />
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}
