/**
 * One image of a COCO keypoint dataset (issue 18): every GT person with its box and visibility
 * (filled dot: visible, v = 2; hollow: labelled but hidden, v = 1), crowd regions marked as ignored,
 * and each chosen variant's detections — those pycocotools matched at OKS 0.5 solid, the others
 * (false positives) dashed. Beside it, the persons with their OKS and, for the focused one, the
 * keypoint similarity and error class of every keypoint. ← / → step through the list it came from.
 *
 * Edit GT: the focused person's keypoints and box corners become handles (drag, Esc cancels); a click
 * selects a keypoint, 0 / 1 / 2 set its visibility; Ctrl+Z / Ctrl+Shift+Z undo and redo. Each edit is
 * saved at once and every number follows; crowd regions stay locked. Export writes COCO json.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CocoEditRequest, CocoImageDetail } from '../../src-main/api/contract.ts';
import { historyCommandForKey } from '../annotate/drag-machine.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { GT_COLOR, variantColor } from '../shared/colors.ts';
import { CocoSkeleton } from './CocoSkeleton.tsx';
import { CocoGtHandles } from './CocoGtHandles.tsx';
import { CocoExportPanel } from './CocoExportPanel.tsx';
import { CocoReviewPanel } from './CocoReviewPanel.tsx';
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
  const [editing, setEditing] = useState(false);
  const [reviewing, setReviewing] = useState(false);
  const [currentSuspect, setCurrentSuspect] = useState<string | null>(null);
  const [selectedKeypoint, setSelectedKeypoint] = useState<number | null>(null);
  const client = useQueryClient();
  const history = useApi('coco:history', {});
  const correct = useMutation({
    mutationFn: (request: { index: number; edit: CocoEditRequest; burst?: string }) => getBridge().invoke('coco:correct', request),
    onSuccess: () => void client.invalidateQueries(),
  });
  const step = useMutation({
    mutationFn: (direction: 'undo' | 'redo') => getBridge().invoke(direction === 'undo' ? 'coco:undo' : 'coco:redo', {}),
    onSuccess: () => void client.invalidateQueries(),
  });
  const all = variants.data ?? [];
  // only variants that still exist (one removed since would fail the whole request)
  const shownIds = (shown ?? (browseVariant !== null ? [browseVariant] : all.slice(0, 1).map((v) => v.id))).filter((id) => all.some((v) => v.id === id));
  // The first person's list when nothing was opened from Browse yet.
  const fallback = useApi('coco:persons', { order: 'file', limit: 1 }, { enabled: image === null });
  const firstImage = fallback.data?.items[0]?.imageId;
  const current = image ?? (firstImage !== undefined ? { imageId: firstImage, focusIndex: null, list: fallback.data?.imageIds ?? [] } : null);
  const detail = useApi('coco:image', { imageId: current?.imageId ?? 0, variantIds: [...shownIds] }, { enabled: current !== null, placeholderData: (p) => p });

  const position = current ? current.list.indexOf(current.imageId) : -1;
  const go = (delta: number) => {
    if (!current || position < 0) return;
    const next = current.list[position + delta];
    if (next !== undefined) openImage(next, null, current.list);
  };
  const focusRef = useRef<number | null>(null);
  const canEditRef = useRef(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
      const command = historyCommandForKey(event);
      if (command !== null && editing) {
        event.preventDefault();
        step.mutate(command);
        return;
      }
      if (
        editing &&
        canEditRef.current &&
        focusRef.current !== null &&
        selectedKeypoint !== null &&
        (event.key === '0' || event.key === '1' || event.key === '2')
      ) {
        correct.mutate({ index: focusRef.current, edit: { kind: 'visibility', keypoint: selectedKeypoint, v: Number(event.key) as 0 | 1 | 2 } });
        return;
      }
      if (event.key === 'ArrowRight' || event.key === 'n') go(1);
      if (event.key === 'ArrowLeft' || event.key === 'p') go(-1);
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
  focusRef.current = focus;
  const focusedPerson = data?.persons.find((p) => p.index === focus) ?? null;
  const canEdit = focusedPerson !== null && !focusedPerson.iscrowd;
  canEditRef.current = canEdit;
  return (
    <div className="view coco-image-view">
      <div className="coco-image-toolbar toolbar">
        <button type="button" onClick={() => go(-1)} disabled={position <= 0} aria-label="Previous image">
          ←
        </button>
        <button type="button" onClick={() => go(1)} disabled={position < 0 || position >= current.list.length - 1} aria-label="Next image">
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
        <span className="coco-edit-tools" role="group" aria-label="Ground truth">
          <label title="The review queue: labels the variants' agreement (or the file itself) says are wrong">
            <input type="checkbox" checked={reviewing} onChange={(e) => setReviewing(e.target.checked)} />
            Review
          </label>
          <label title="Drag the focused person's keypoints and box corners; 0 / 1 / 2 set the selected keypoint's visibility">
            <input type="checkbox" checked={editing} onChange={(e) => setEditing(e.target.checked)} />
            Edit GT
          </label>
          <button type="button" disabled={!(history.data && history.data.undo > 0) || step.isPending} onClick={() => step.mutate('undo')} title="Ctrl+Z">
            Undo
          </button>
          <button type="button" disabled={!(history.data && history.data.redo > 0) || step.isPending} onClick={() => step.mutate('redo')} title="Ctrl+Shift+Z">
            Redo
          </button>
        </span>
      </div>
      {detail.error ? <div className="error-box">{detail.error.message}</div> : null}
      {correct.error ? <div className="error-box">{correct.error.message}</div> : null}
      {editing ? (
        <div className="coco-edit-status muted" aria-live="polite">
          {!canEdit
            ? focusedPerson?.iscrowd
              ? 'A crowd region: the evaluation ignores it, so it is locked. Pick a person in the list.'
              : 'Pick a person in the list to edit.'
            : `Editing person #${focus}: drag a keypoint or a box corner (Esc cancels); ${selectedKeypoint !== null ? `${keypointLabel(info.keypoints[selectedKeypoint] ?? '')} selected, 0 / 1 / 2 set its visibility` : 'click a keypoint to select it'} · ${history.data?.undo ?? 0} edit${history.data?.undo === 1 ? '' : 's'} in this workspace`}
        </div>
      ) : null}
      {data ? (
        <div className="coco-image-body">
          <ImageCanvas detail={data} skeleton={info.skeleton} focus={focus} colorOf={(id) => variantColor(all.findIndex((v) => v.id === id))}>
            {(scale, unit) =>
              editing && canEdit ? (
                <CocoGtHandles
                  person={focusedPerson}
                  scale={scale}
                  unit={unit}
                  selected={selectedKeypoint}
                  onSelect={setSelectedKeypoint}
                  onCommit={(commit) => {
                    if (commit.kind === 'keypoint') setSelectedKeypoint(commit.keypoint);
                    correct.mutate({
                      index: focusedPerson.index,
                      edit: commit.kind === 'keypoint' ? { kind: 'keypoint', keypoint: commit.keypoint, xy: [commit.xy[0], commit.xy[1]] } : commit,
                    });
                  }}
                />
              ) : null
            }
          </ImageCanvas>
          <PersonsPanel
            detail={data}
            keypoints={info.keypoints}
            focus={focus}
            onFocus={(index) => openImage(current.imageId, index, current.list)}
            colorOf={(id) => variantColor(all.findIndex((v) => v.id === id))}
            editing={editing && canEdit}
            selectedKeypoint={selectedKeypoint}
            onSelectKeypoint={setSelectedKeypoint}
            onVisibility={(keypoint, v) => focus !== null && correct.mutate({ index: focus, edit: { kind: 'visibility', keypoint, v } })}
            before={
              reviewing ? (
                <CocoReviewPanel
                  keypoints={info.keypoints}
                  current={currentSuspect}
                  onOpen={(suspect) => {
                    setCurrentSuspect(suspect.id);
                    openImage(suspect.imageId, suspect.index, current.list.includes(suspect.imageId) ? current.list : [suspect.imageId]);
                  }}
                />
              ) : null
            }
          >
            {editing ? <CocoExportPanel /> : null}
          </PersonsPanel>
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
  /** Drawn on top, given the current zoom (screen px per image px) and one screen pixel in image units. */
  children?: (scale: () => number, unit: number) => ReactNode;
}) {
  const { detail } = props;
  const svgRef = useRef<SVGSVGElement>(null);
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
      <svg ref={svgRef} viewBox={`0 0 ${extent.w} ${extent.h}`} role="img" aria-label={`${detail.fileName} with ${detail.persons.length} annotations`}>
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
        {props.children?.(() => (svgRef.current?.getBoundingClientRect().width ?? extent.w) / extent.w, unit)}
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
  editing: boolean;
  selectedKeypoint: number | null;
  onSelectKeypoint: (keypoint: number) => void;
  onVisibility: (keypoint: number, v: 0 | 1 | 2) => void;
  /** Shown above the persons (the review queue) and below them (the export). */
  before?: ReactNode;
  children?: ReactNode;
}) {
  const { detail } = props;
  const person = detail.persons.find((p) => p.index === props.focus) ?? null;
  return (
    <aside className="coco-persons panel" aria-label="Persons of this image">
      {props.before}
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
              <tr key={name} className={props.editing && props.selectedKeypoint === k ? 'selected' : undefined} onClick={() => props.onSelectKeypoint(k)}>
                <th scope="row" style={{ textAlign: 'left' }}>
                  {keypointLabel(name)}
                </th>
                <td className="muted">
                  {props.editing ? (
                    <select
                      aria-label={`Visibility of ${keypointLabel(name)}`}
                      value={person.keypoints[3 * k + 2]}
                      onChange={(e) => props.onVisibility(k, Number(e.target.value) as 0 | 1 | 2)}
                    >
                      <option value={0}>0</option>
                      <option value={1}>1</option>
                      <option value={2}>2</option>
                    </select>
                  ) : (
                    person.keypoints[3 * k + 2]
                  )}
                </td>
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
      {props.children}
    </aside>
  );
}
