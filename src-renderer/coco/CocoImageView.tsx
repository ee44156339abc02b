/**
 * One image of a COCO keypoint dataset (issue 18): every GT person with its box and visibility
 * (filled dot: visible, v = 2; hollow: labelled but hidden, v = 1), crowd regions marked as ignored,
 * and each chosen variant's detections — those pycocotools matched at OKS 0.5 solid, the others
 * (false positives) dashed. Beside it, the persons with their OKS and, for the focused one, the
 * keypoint similarity and error class of every keypoint. ← / → step through the list it came from.
 */
import { useEffect, useMemo, useState } from 'react';
import type { CocoImageDetail } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { GT_COLOR, variantColor } from '../shared/colors.ts';
import { CocoSkeleton } from './CocoSkeleton.tsx';
import { useCocoUi } from './coco-store.ts';
import { COCO_CLASS_COLORS, keypointLabel } from './coco-format.ts';
import './coco.css';

export function CocoImageView() {
  const workspace = useApi('workspace:get', {});
  const info = workspace.data?.dataset?.coco ?? null;
  const variants = useApi('coco:variants', {});
  const image = useCocoUi((s) => s.image);
  const openImage = useCocoUi((s) => s.openImage);
  const browseVariant = useCocoUi((s) => s.browse.variantId);
  const [shown, setShown] = useState<readonly string[] | null>(null);
  const all = variants.data ?? [];
  const shownIds = shown ?? (browseVariant !== null ? [browseVariant] : all.slice(0, 1).map((v) => v.id));
  // The first person's list when nothing was opened from Browse yet.
  const fallback = useApi('coco:persons', { order: 'file', limit: 1 }, { enabled: image === null });
  const firstImage = fallback.data?.items[0]?.imageId;
  const current = image ?? (firstImage !== undefined ? { imageId: firstImage, focusIndex: null, list: fallback.data?.imageIds ?? [] } : null);
  const detail = useApi('coco:image', { imageId: current?.imageId ?? 0, variantIds: [...shownIds] }, { enabled: current !== null, placeholderData: (p) => p });

  const position = current ? current.list.indexOf(current.imageId) : -1;
  const step = (delta: number) => {
    if (!current || position < 0) return;
    const next = current.list[position + delta];
    if (next !== undefined) openImage(next, null, current.list);
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
      if (event.key === 'ArrowRight' || event.key === 'n') step(1);
      if (event.key === 'ArrowLeft' || event.key === 'p') step(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  if (info === null) return null;
  if (!current)
    return (
      <div className="view">
        {fallback.error ? <div className="error-box">{fallback.error.message}</div> : <div className="empty">No persons in this dataset.</div>}
      </div>
    );
  const data = detail.data;
  const focus = current.focusIndex ?? data?.persons.find((p) => !p.iscrowd)?.index ?? null;
  return (
    <div className="view coco-image-view">
      <div className="coco-image-toolbar toolbar">
        <button type="button" onClick={() => step(-1)} disabled={position <= 0} aria-label="Previous image">
          ←
        </button>
        <button type="button" onClick={() => step(1)} disabled={position < 0 || position >= current.list.length - 1} aria-label="Next image">
          →
        </button>
        <strong>{data?.fileName ?? '…'}</strong>
        <span className="muted">
          {position >= 0 ? `image ${position + 1} of ${current.list.length}` : ''} · image id {current.imageId}
        </span>
        <span className="coco-variant-toggles" role="group" aria-label="Variants shown">
          {all.map((v, i) => (
            <label key={v.id}>
              <input
                type="checkbox"
                checked={shownIds.includes(v.id)}
                onChange={(e) => setShown(e.target.checked ? [...shownIds, v.id] : shownIds.filter((id) => id !== v.id))}
              />
              <span className="swatch" style={{ background: variantColor(i) }} aria-hidden="true" />
              {v.name}
            </label>
          ))}
        </span>
      </div>
      {detail.error ? <div className="error-box">{detail.error.message}</div> : null}
      {data ? (
        <div className="coco-image-body">
          <ImageCanvas detail={data} skeleton={info.skeleton} focus={focus} colorOf={(id) => variantColor(all.findIndex((v) => v.id === id))} />
          <PersonsPanel
            detail={data}
            keypoints={info.keypoints}
            focus={focus}
            onFocus={(index) => openImage(current.imageId, index, current.list)}
            colorOf={(id) => variantColor(all.findIndex((v) => v.id === id))}
          />
        </div>
      ) : (
        <div className="empty">Loading image…</div>
      )}
    </div>
  );
}

function ImageCanvas(props: {
  detail: CocoImageDetail;
  skeleton: readonly (readonly [number, number])[];
  focus: number | null;
  colorOf: (id: string) => string;
}) {
  const { detail } = props;
  const extent = useMemo(() => {
    if (detail.width !== null && detail.height !== null) return { w: detail.width, h: detail.height };
    let w = 1,
      h = 1;
    for (const p of detail.persons) {
      w = Math.max(w, p.bbox[0] + p.bbox[2]);
      h = Math.max(h, p.bbox[1] + p.bbox[3]);
    }
    return { w, h };
  }, [detail]);
  const unit = Math.max(extent.w, extent.h) / 700;
  return (
    <div className="coco-image-canvas">
      <svg viewBox={`0 0 ${extent.w} ${extent.h}`} role="img" aria-label={`${detail.fileName} with ${detail.persons.length} annotations`}>
        <defs>
          <pattern id="crowd-hatch" width={8 * unit} height={8 * unit} patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <line x1={0} y1={0} x2={0} y2={8 * unit} stroke="#ff5a5a" strokeWidth={2 * unit} strokeOpacity={0.6} />
          </pattern>
        </defs>
        <rect width={extent.w} height={extent.h} fill="#111" />
        {detail.imageKey !== null ? <image href={getBridge().mediaUrl(detail.imageKey)} x={0} y={0} width={extent.w} height={extent.h} /> : null}
        {detail.persons.map((p) => (
          <g key={p.index}>
            <rect
              x={p.bbox[0]}
              y={p.bbox[1]}
              width={p.bbox[2]}
              height={p.bbox[3]}
              fill={p.iscrowd ? 'url(#crowd-hatch)' : 'none'}
              stroke={p.iscrowd ? '#ff5a5a' : GT_COLOR}
              strokeOpacity={p.index === props.focus ? 0.9 : 0.45}
              strokeWidth={(p.index === props.focus ? 2 : 1) * unit}
            />
            {p.iscrowd ? (
              <text x={p.bbox[0] + 4 * unit} y={p.bbox[1] + 14 * unit} fontSize={12 * unit} fill="#ff5a5a">
                crowd (ignored)
              </text>
            ) : (
              <CocoSkeleton keypoints={p.keypoints} skeleton={props.skeleton} color={GT_COLOR} unit={unit} label={`GT person ${p.index}`} />
            )}
          </g>
        ))}
        {detail.variants.map((v) =>
          v.detections.map((d, i) => (
            <CocoSkeleton
              key={`${v.variantId}-${i}`}
              keypoints={d.keypoints}
              skeleton={props.skeleton}
              color={props.colorOf(v.variantId)}
              unit={unit}
              predicted
              dashed={d.matchedIndex === null}
              label={`${v.name} detection ${i + 1}${d.matchedIndex === null ? ' (unmatched)' : ''}`}
            />
          )),
        )}
      </svg>
    </div>
  );
}

function PersonsPanel(props: {
  detail: CocoImageDetail;
  keypoints: readonly string[];
  focus: number | null;
  onFocus: (index: number) => void;
  colorOf: (id: string) => string;
}) {
  const { detail } = props;
  const person = detail.persons.find((p) => p.index === props.focus) ?? null;
  return (
    <aside className="coco-persons panel" aria-label="Persons of this image">
      <table className="data" aria-label="Persons">
        <thead>
          <tr>
            <th scope="col" style={{ textAlign: 'left' }}>
              person
            </th>
            <th scope="col" title="labelled keypoints">
              kps
            </th>
            {detail.variants.map((v) => (
              <th key={v.variantId} scope="col" title={`OKS of ${v.name}'s matched detection`}>
                <span className="swatch" style={{ background: props.colorOf(v.variantId) }} aria-hidden="true" />
                OKS
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {detail.persons.map((p) => (
            <tr key={p.index} className={p.index === props.focus ? 'selected' : undefined} onClick={() => props.onFocus(p.index)} style={{ cursor: 'pointer' }}>
              <th scope="row" style={{ textAlign: 'left' }}>
                #{p.index} {p.iscrowd ? <span className="muted">crowd</span> : null}
              </th>
              <td className="muted">{p.numKeypoints}</td>
              {detail.variants.map((v) => {
                const d = v.detections.find((det) => det.matchedIndex === p.index);
                return <td key={v.variantId}>{p.iscrowd || p.numKeypoints === 0 ? '–' : d?.oks != null ? d.oks.toFixed(3) : 'missed'}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        {detail.variants
          .map(
            (v) =>
              `${v.name}: ${v.detections.length} detection${v.detections.length === 1 ? '' : 's'}, ${v.detections.filter((d) => d.matchedIndex === null).length} unmatched (dashed)`,
          )
          .join(' · ')}
      </p>
      {person !== null && !person.iscrowd ? (
        <table className="data coco-kp-detail" aria-label={`Keypoints of person ${person.index}`}>
          <thead>
            <tr>
              <th scope="col" style={{ textAlign: 'left' }}>
                #{person.index} keypoint
              </th>
              <th scope="col" title="visibility: 0 unlabelled, 1 labelled not visible, 2 visible">
                v
              </th>
              {detail.variants.map((v) => (
                <th key={v.variantId} scope="col" title={`keypoint similarity of ${v.name}`}>
                  <span className="swatch" style={{ background: props.colorOf(v.variantId) }} aria-hidden="true" />
                  KS
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.keypoints.map((name, k) => (
              <tr key={name}>
                <th scope="row" style={{ textAlign: 'left' }}>
                  {keypointLabel(name)}
                </th>
                <td className="muted">{person.keypoints[3 * k + 2]}</td>
                {detail.variants.map((v) => {
                  const row = v.persons.find((p) => p.index === person.index);
                  const ks = row?.ks[k] ?? null;
                  const cls = row?.classes[k] ?? null;
                  return (
                    <td key={v.variantId}>
                      {ks !== null ? ks.toFixed(2) : '–'}{' '}
                      {cls !== null ? (
                        <span className="coco-class-tag" style={{ background: COCO_CLASS_COLORS[cls] }}>
                          {cls}
                        </span>
                      ) : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </aside>
  );
}
