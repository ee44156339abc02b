/**
 * An instance's image with zoom and pan, the ground-truth skeleton and each variant's prediction
 * overlaid, and optionally the PCKh tolerance circle (threshold × head size) around one GT joint.
 * The viewport can be controlled from outside (Compare links several viewers).
 */
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { InstanceDetail, InstancePrediction } from '../../src-main/api/contract.ts';
import type { Point2 } from '../../src-main/core/types.ts';
import { MPII_SKELETON } from '../../src-main/core/joints.ts';
import { getBridge } from '../bridge/index.ts';
import { GT_COLOR, HIT_COLOR, MISS_COLOR } from '../shared/colors.ts';
import { jointLabel } from '../shared/joint-order.ts';
import { fitBox, zoomAt, type Viewport } from './viewport.ts';

export interface OverlayVariant {
  readonly prediction: InstancePrediction;
  readonly color: string;
}

interface Props {
  readonly detail: InstanceDetail;
  readonly overlays: readonly OverlayVariant[];
  readonly focusJoint?: number | null;
  /** PCKh threshold for the tolerance circle (default 0.5). */
  readonly threshold?: number;
  readonly showGt?: boolean;
  readonly view?: Viewport | null;
  readonly onViewChange?: (view: Viewport) => void;
  readonly label?: string;
  /**
   * Editor mode: replaces the built-in ground-truth skeleton and tolerance circle with this layer,
   * drawn on top of the predictions (so its handles get the pointer). Called with the current zoom.
   * Pointer-downs on elements marked `data-handle` do not pan.
   */
  readonly gtLayer?: (scale: number) => ReactNode;
}

export const InstanceViewer = memo(function InstanceViewer({
  detail,
  overlays,
  focusJoint = null,
  threshold = 0.5,
  showGt = true,
  view: controlled,
  onViewChange,
  label,
  gtLayer,
}: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [ownView, setOwnView] = useState<Viewport | null>(null);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const view = controlled ?? ownView;
  const url = getBridge().mediaUrl(detail.imageKey);

  const setView = useCallback(
    (next: Viewport) => {
      if (onViewChange) onViewChange(next);
      else setOwnView(next);
    },
    [onViewChange],
  );

  useLayoutEffect(() => {
    const element = containerRef.current;
    if (element === null) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    let live = true;
    setNatural(null);
    if (!detail.imageExists) {
      setNatural({ w: 0, h: 0 });
      return;
    }
    const image = new Image();
    image.onload = () => live && setNatural({ w: image.naturalWidth, h: image.naturalHeight });
    image.onerror = () => live && setNatural({ w: 0, h: 0 });
    image.src = url;
    return () => {
      live = false;
    };
  }, [url, detail.imageExists]);

  // Whether the user zoomed or panned since the last fit: until then the view follows the viewer's size.
  const moved = useRef(false);
  const userView = useCallback(
    (next: Viewport) => {
      moved.current = true;
      setView(next);
    },
    [setView],
  );

  const fit = useCallback(() => {
    moved.current = false;
    if (size.width > 0 && size.height > 0) setView(fitBox(detail.crop, size.width, size.height));
  }, [detail.crop, size.width, size.height, setView]);

  // Fit on a new instance, and again whenever the viewer's free space changes (the layout settling
  // after the view opens, a window resize) as long as the user has not zoomed or panned.
  const fittedFor = useRef<string>('');
  useEffect(() => {
    if (size.width === 0 || size.height === 0) return;
    const key = `${detail.instanceIndex}:${size.width}x${size.height}`;
    if (fittedFor.current === key) return;
    const sameInstance = fittedFor.current.startsWith(`${detail.instanceIndex}:`);
    fittedFor.current = key;
    if (sameInstance && moved.current) return;
    fit();
  }, [detail.instanceIndex, size.width, size.height, fit]);

  const onWheel = useCallback(
    (event: React.WheelEvent) => {
      if (!view) return;
      const rect = containerRef.current!.getBoundingClientRect();
      userView(zoomAt(view, Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top));
    },
    [view, setView],
  );

  const drag = useRef<{ x: number; y: number; view: Viewport } | null>(null);
  const onPointerDown = (event: React.PointerEvent) => {
    if (!view || event.button !== 0) return;
    if ((event.target as Element).closest?.('[data-handle]')) return; // an editor handle: the editor drags it
    (event.target as Element).setPointerCapture?.(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY, view };
    setDragging(true);
  };
  const onPointerMove = (event: React.PointerEvent) => {
    const start = drag.current;
    if (!start) return;
    userView({ scale: start.view.scale, tx: start.view.tx + event.clientX - start.x, ty: start.view.ty + event.clientY - start.y });
  };
  const endDrag = () => {
    drag.current = null;
    setDragging(false);
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (!view) return;
    const cx = size.width / 2;
    const cy = size.height / 2;
    if (event.key === '+' || event.key === '=') userView(zoomAt(view, 1.25, cx, cy));
    else if (event.key === '-') userView(zoomAt(view, 0.8, cx, cy));
    else if (event.key === '0') fit();
    else return;
    event.preventDefault();
  };

  const s = view?.scale ?? 1;
  const r = 4.5 / s;
  const focusGt = focusJoint !== null ? detail.gt[focusJoint] : null;
  return (
    <div
      ref={containerRef}
      className={`viewer${dragging ? ' dragging' : ''}`}
      onWheel={onWheel}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onKeyDown={onKeyDown}
      tabIndex={0}
      aria-label={label ?? `Instance ${detail.instanceIndex} image, zoom with + and −, 0 to fit`}
    >
      <div className="zoom-controls">
        <button type="button" aria-label="Zoom in" onClick={() => view && userView(zoomAt(view, 1.25, size.width / 2, size.height / 2))}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => view && userView(zoomAt(view, 0.8, size.width / 2, size.height / 2))}>
          −
        </button>
        <button type="button" aria-label="Fit person" onClick={fit}>
          fit
        </button>
      </div>
      {natural && natural.w === 0 ? (
        <div className="image-missing" role="note">
          image missing: {detail.image} is not in the dataset's images folder (or cannot be read); joints are drawn without it
        </div>
      ) : null}
      {view ? (
        <svg role="group" aria-label={`Instance ${detail.instanceIndex} overlay`}>
          <g transform={`translate(${view.tx} ${view.ty}) scale(${view.scale})`}>
            {/* posebench's coordinates are 0-based with an integer at a pixel's centre: pixel i covers
                [i − 0.5, i + 0.5], so the image starts at −0.5 and joints drawn (and hit) at integer
                coordinates sit on pixel centres. */}
            {natural && natural.w > 0 ? (
              <image href={url} x={-0.5} y={-0.5} width={natural.w} height={natural.h} style={{ imageRendering: s > 3 ? 'pixelated' : 'auto' }} />
            ) : null}
            {!gtLayer && focusGt && detail.headSize > 0 ? (
              <circle
                cx={focusGt[0]}
                cy={focusGt[1]}
                r={threshold * detail.headSize}
                fill="none"
                stroke="rgba(0,0,0,0.75)"
                strokeWidth={3}
                vectorEffect="non-scaling-stroke"
                pointerEvents="none"
                aria-hidden="true"
              />
            ) : null}
            {!gtLayer && focusGt && detail.headSize > 0 ? (
              <circle
                cx={focusGt[0]}
                cy={focusGt[1]}
                r={threshold * detail.headSize}
                fill="rgba(255,255,255,0.06)"
                stroke="#ffffff"
                strokeDasharray="4 3"
                vectorEffect="non-scaling-stroke"
                role="img"
                aria-label={`PCKh tolerance circle for ${jointLabel(focusJoint!)} (${threshold} × head size = ${(threshold * detail.headSize).toFixed(1)} px)`}
              />
            ) : null}
            {showGt && !gtLayer ? <Skeleton joints={detail.gt} color={GT_COLOR} r={r} owner="ground truth" dashed={false} /> : null}
            {overlays.map((overlay) => (
              <Skeleton
                key={overlay.prediction.variantId}
                joints={overlay.prediction.joints}
                color={overlay.color}
                r={r}
                owner={overlay.prediction.variantName}
                dashed={false}
                hits={overlay.prediction.hits}
                focusJoint={focusJoint}
              />
            ))}
            {gtLayer ? gtLayer(s) : null}
          </g>
        </svg>
      ) : null}
    </div>
  );
});

function Skeleton({
  joints,
  color,
  r,
  owner,
  hits,
  focusJoint = null,
}: {
  joints: readonly (Point2 | null)[];
  color: string;
  r: number;
  owner: string;
  dashed: boolean;
  hits?: readonly (boolean | null)[];
  focusJoint?: number | null;
}) {
  return (
    <g>
      {MPII_SKELETON.map(([a, b]) => {
        const pa = joints[a];
        const pb = joints[b];
        if (!pa || !pb) return null;
        return (
          <line
            key={`${a}-${b}`}
            x1={pa[0]}
            y1={pa[1]}
            x2={pb[0]}
            y2={pb[1]}
            stroke={color}
            strokeWidth={2}
            strokeOpacity={0.85}
            vectorEffect="non-scaling-stroke"
          />
        );
      })}
      {joints.map((p, j) => {
        if (!p) return null;
        const hit = hits?.[j];
        const isFocus = focusJoint === j;
        const stroke = hit === false ? MISS_COLOR : hit === true ? HIT_COLOR : '#000';
        return (
          <circle
            key={j}
            cx={p[0]}
            cy={p[1]}
            r={isFocus ? r * 1.5 : r}
            fill={color}
            stroke={hits ? stroke : '#000'}
            strokeWidth={hits ? 2 : 1}
            vectorEffect="non-scaling-stroke"
            role="img"
            aria-label={`${jointLabel(j)} (${owner})`}
          >
            <title>{`${jointLabel(j)} (${owner})${hit === false ? ': miss' : hit === true ? ': hit' : ''}`}</title>
          </circle>
        );
      })}
    </g>
  );
}
