/**
 * Browse and Failures on a COCO keypoint dataset (issue 18): the GT persons as cards cropped from
 * their images, listed in file order or worst first by one variant — the lowest keypoint similarity
 * of the chosen keypoint (the lowest OKS for whole persons), missed persons first — and filtered by
 * the keypoint's error class. A card opens its image in the viewer.
 */
import { COCO_ERROR_CLASSES, type CocoErrorClass, type CocoPersonItem } from '../../src-main/api/contract.ts';
import { useUi } from '../app/ui-store.ts';
import { getBridge } from '../bridge/index.ts';
import { useApi } from '../bridge/queries.ts';
import { GT_COLOR, variantColor } from '../shared/colors.ts';
import { CocoSkeleton } from './CocoSkeleton.tsx';
import { useCocoUi } from './coco-store.ts';
import { COCO_CLASS_COLORS, keypointLabel } from './coco-format.ts';
import './coco.css';

const PAGE = 120;

export function CocoBrowseView({ title }: { title: 'Failures' | 'Browse' }) {
  const workspace = useApi('workspace:get', {});
  const info = workspace.data?.dataset?.coco ?? null;
  const variants = useApi('coco:variants', {});
  const state = useCocoUi((s) => s.browse);
  const setBrowse = useCocoUi((s) => s.setBrowse);
  const openImage = useCocoUi((s) => s.openImage);
  const setView = useUi((s) => s.setView);
  const list = variants.data ?? [];
  const variantIndex = list.findIndex((v) => v.id === state.variantId);
  // Failures needs a variant: the first one when none is chosen.
  const variantId = variantIndex >= 0 ? state.variantId : title === 'Failures' ? (list[0]?.id ?? null) : null;
  const order = title === 'Failures' ? 'worst' : state.order;
  const request = {
    ...(variantId !== null ? { variantId } : {}),
    ...(state.keypoint !== null ? { keypoint: state.keypoint } : {}),
    ...(variantId !== null && state.errorClass !== null ? { errorClass: state.errorClass } : {}),
    order,
    limit: PAGE,
  };
  const persons = useApi('coco:persons', request, { placeholderData: (previous) => previous });
  if (info === null) return null;
  const color = variantColor(
    Math.max(
      0,
      list.findIndex((v) => v.id === variantId),
    ),
  );
  const keypoints = info.keypoints;

  return (
    <div className="view coco-browse">
      <section className="panel" aria-labelledby="coco-browse-title">
        <h2 id="coco-browse-title">
          {title}{' '}
          <span className="hint">
            {title === 'Failures'
              ? 'persons the variant does worst on: lowest keypoint similarity (KS) of the keypoint, or lowest OKS; missed persons first'
              : 'every GT person of the annotation file; choose a variant to see how it did'}{' '}
            · open a card to see the image
          </span>
        </h2>
        <div className="toolbar">
          <label>
            variant
            <select aria-label="Variant" value={variantId ?? ''} onChange={(e) => setBrowse({ variantId: e.target.value === '' ? null : e.target.value })}>
              {title === 'Browse' ? <option value="">GT only</option> : null}
              {list.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            keypoint
            <select
              aria-label="Keypoint"
              value={state.keypoint ?? ''}
              onChange={(e) => setBrowse({ keypoint: e.target.value === '' ? null : Number(e.target.value) })}
            >
              <option value="">whole person (OKS)</option>
              {keypoints.map((name, k) => (
                <option key={name} value={k}>
                  {keypointLabel(name)}
                </option>
              ))}
            </select>
          </label>
          {title === 'Browse' ? (
            <label>
              order
              <select aria-label="Order" value={state.order} onChange={(e) => setBrowse({ order: e.target.value === 'file' ? 'file' : 'worst' })}>
                <option value="worst">worst first</option>
                <option value="file">file order</option>
              </select>
            </label>
          ) : null}
          <label>
            class
            <select
              aria-label="Error class"
              value={state.errorClass ?? ''}
              disabled={variantId === null}
              onChange={(e) =>
                setBrowse({ errorClass: (COCO_ERROR_CLASSES as readonly string[]).includes(e.target.value) ? (e.target.value as CocoErrorClass) : null })
              }
            >
              <option value="">any</option>
              {COCO_ERROR_CLASSES.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </label>
          <span className="muted" aria-live="polite">
            {persons.data ? `${persons.data.total} person${persons.data.total === 1 ? '' : 's'}${persons.data.total > PAGE ? ` (first ${PAGE})` : ''}` : ''}
          </span>
        </div>
        {persons.error ? <div className="error-box">{persons.error.message}</div> : null}
        {title === 'Failures' && list.length === 0 ? (
          <div className="empty">No results yet: import a COCO results file in Runs.</div>
        ) : (
          <div className="coco-cards" role="list" aria-label="Persons">
            {(persons.data?.items ?? []).map((person) => (
              <PersonCard
                key={person.index}
                person={person}
                skeleton={info.skeleton}
                keypoint={state.keypoint}
                keypointName={state.keypoint !== null ? keypoints[state.keypoint]! : null}
                color={color}
                withVariant={variantId !== null}
                onOpen={() => {
                  openImage(person.imageId, person.index, persons.data?.imageIds ?? []);
                  if (variantId !== null) setBrowse({ variantId });
                  setView('annotate');
                }}
              />
            ))}
          </div>
        )}
      </section>
    </div>
  );
}

export function PersonCard(props: {
  person: CocoPersonItem;
  skeleton: readonly (readonly [number, number])[];
  keypoint: number | null;
  keypointName: string | null;
  color: string;
  withVariant: boolean;
  onOpen: () => void;
}) {
  const { person, keypoint } = props;
  const [x, y, w, h] = person.bbox;
  // the box with a margin of 15 %, as a square-ish crop
  const side = Math.max(w, h, 8) * 1.3;
  const cx = x + w / 2,
    cy = y + h / 2;
  const view = `${cx - side / 2} ${cy - side / 2} ${side} ${side}`;
  const unit = side / 150;
  let measure: string | null = null;
  if (!person.counted) measure = person.iscrowd ? 'crowd (not counted)' : 'no keypoints (not counted)';
  else if (props.withVariant && keypoint === null) measure = person.oks !== null ? `OKS ${person.oks.toFixed(2)}` : 'missed';
  else if (props.withVariant && keypoint !== null)
    measure = person.ks !== null ? `KS ${person.ks.toFixed(2)}` : person.oks === null ? 'missed' : 'keypoint not labelled';
  const cls = person.errorClass;
  return (
    <button
      type="button"
      role="listitem"
      className="coco-card"
      onClick={props.onOpen}
      title={`${person.fileName} · annotation ${person.annotationId}${person.iscrowd ? ' (crowd region)' : ''}`}
      aria-label={`Person ${person.index}, ${person.fileName}${measure ? `, ${measure}` : ''}${cls ? `, ${cls}` : ''}`}
    >
      <svg viewBox={view} width={150} height={150} preserveAspectRatio="xMidYMid slice" aria-hidden="true">
        <rect x={cx - side / 2} y={cy - side / 2} width={side} height={side} fill="#111" />
        {person.imageKey !== null ? (
          <image
            href={getBridge().mediaUrl(person.imageKey)}
            x={0}
            y={0}
            {...(person.imageWidth !== null && person.imageHeight !== null ? { width: person.imageWidth, height: person.imageHeight } : {})}
          />
        ) : null}
        <rect x={x} y={y} width={w} height={h} fill="none" stroke={person.iscrowd ? '#ff5a5a' : GT_COLOR} strokeOpacity={0.5} strokeWidth={unit} />
        <CocoSkeleton keypoints={person.keypoints} skeleton={props.skeleton} color={GT_COLOR} unit={unit} focus={keypoint} />
      </svg>
      <span className="coco-card-caption">
        <span className="coco-card-file">{person.fileName}</span>
        {measure ? <span>{measure}</span> : null}
        {cls ? (
          <span className="coco-class-tag" style={{ background: COCO_CLASS_COLORS[cls] }}>
            {cls}
          </span>
        ) : null}
      </span>
    </button>
  );
}
