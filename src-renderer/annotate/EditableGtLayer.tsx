/**
 * The editor's ground-truth layer: draggable joint handles, the head box with corner handles and its
 * head size, and the PCKh tolerance circle (threshold × head size) around the selected / dragged
 * joint. It subscribes to the drag preview store, so a pointer move re-renders this layer only; the
 * handle, its bones and the circle follow the pointer while the predictions stay put.
 */
import { memo, useSyncExternalStore } from 'react';
import type { InstanceGroundTruth } from '../../src-main/api/contract.ts';
import { MPII_SKELETON } from '../../src-main/core/joints.ts';
import type { Point2 } from '../../src-main/core/types.ts';
import { GT_COLOR } from '../shared/colors.ts';
import { jointLabel } from '../shared/joint-order.ts';
import { headCornerPoint, headSizeOf, moveHeadCorner, type DragTarget, type HeadBox, type HeadCorner, type PreviewStore } from './drag-machine.ts';

export interface DragPreview {
  readonly target: DragTarget;
  readonly xy: Point2;
}

const CORNER_NAMES = ['top-left', 'top-right', 'bottom-right', 'bottom-left'] as const;
const HEAD_BOX_COLOR = '#e6c07b';

interface Props {
  readonly gt: InstanceGroundTruth;
  readonly scale: number;
  readonly selectedJoint: number | null;
  readonly preview: PreviewStore<DragPreview | null>;
  readonly threshold: number;
  /** `scale`: screen pixels per image pixel right now (a drag converts screen moves with it). */
  readonly onHandleDown: (target: DragTarget, origin: Point2, event: React.PointerEvent, scale: number) => void;
}

export const EditableGtLayer = memo(function EditableGtLayer({ gt, scale, selectedJoint, preview, threshold, onHandleDown }: Props) {
  const current = useSyncExternalStore(preview.subscribe, preview.get);
  const joints: (Point2 | null)[] = gt.joints.map((j) => j.xy);
  let box: HeadBox | null = gt.headBox;
  if (current?.target.kind === 'joint') joints[current.target.joint] = current.xy;
  if (current?.target.kind === 'head-corner' && box !== null) box = moveHeadCorner(box, current.target.corner, current.xy);
  const headSize = box !== null ? headSizeOf(box) : null;
  const circleJoint = current?.target.kind === 'joint' ? current.target.joint : selectedJoint;
  const circleAt = circleJoint !== null ? joints[circleJoint] : null;
  const r = 5 / scale;
  const hitR = 10 / scale;

  return (
    <g className="gt-layer">
      {box !== null ? (
        <g>
          <rect
            x={box[0]}
            y={box[1]}
            width={box[2] - box[0]}
            height={box[3] - box[1]}
            fill="none"
            stroke={HEAD_BOX_COLOR}
            strokeWidth={1.5}
            strokeDasharray="5 3"
            vectorEffect="non-scaling-stroke"
            pointerEvents="none"
          />
          <text x={box[0]} y={box[1] - 6 / scale} fill={HEAD_BOX_COLOR} fontSize={12 / scale} pointerEvents="none">
            head {headSize!.toFixed(1)} px
          </text>
          {([0, 1, 2, 3] as const).map((corner: HeadCorner) => {
            const p = headCornerPoint(box!, corner);
            return (
              <rect
                key={corner}
                data-handle=""
                role="button"
                aria-label={`head box ${CORNER_NAMES[corner]} corner (ground truth)`}
                x={p[0] - 4 / scale}
                y={p[1] - 4 / scale}
                width={8 / scale}
                height={8 / scale}
                fill={HEAD_BOX_COLOR}
                stroke="#000"
                strokeWidth={1}
                vectorEffect="non-scaling-stroke"
                style={{ cursor: corner % 2 === 0 ? 'nwse-resize' : 'nesw-resize' }}
                onPointerDown={(event) => onHandleDown({ kind: 'head-corner', corner }, headCornerPoint(gt.headBox!, corner), event, scale)}
              />
            );
          })}
        </g>
      ) : null}
      {circleAt && headSize !== null && headSize > 0 && circleJoint !== null ? (
        // A dark outline under the white dashes keeps the circle visible on light photos.
        <circle
          cx={circleAt[0]}
          cy={circleAt[1]}
          r={threshold * headSize}
          fill="none"
          stroke="rgba(0,0,0,0.75)"
          strokeWidth={3}
          vectorEffect="non-scaling-stroke"
          pointerEvents="none"
          aria-hidden="true"
        />
      ) : null}
      {circleAt && headSize !== null && headSize > 0 && circleJoint !== null ? (
        <circle
          cx={circleAt[0]}
          cy={circleAt[1]}
          r={threshold * headSize}
          fill="rgba(255,255,255,0.06)"
          stroke="#ffffff"
          strokeDasharray="4 3"
          vectorEffect="non-scaling-stroke"
          pointerEvents="none"
          role="img"
          aria-label={`PCKh tolerance circle for ${jointLabel(circleJoint)} (${threshold} × head size = ${(threshold * headSize).toFixed(1)} px)`}
        />
      ) : null}
      {MPII_SKELETON.map(([a, b]) => {
        const pa = joints[a];
        const pb = joints[b];
        if (!pa || !pb) return null;
        const dashed = !gt.joints[a]!.visible || !gt.joints[b]!.visible;
        return (
          <line
            key={`${a}-${b}`}
            x1={pa[0]}
            y1={pa[1]}
            x2={pb[0]}
            y2={pb[1]}
            stroke={GT_COLOR}
            strokeWidth={2}
            strokeOpacity={dashed ? 0.4 : 0.9}
            strokeDasharray={dashed ? '3 3' : undefined}
            vectorEffect="non-scaling-stroke"
            pointerEvents="none"
          />
        );
      })}
      {joints.map((p, j) => {
        if (!p) return null;
        const visible = gt.joints[j]!.visible;
        const selected = selectedJoint === j;
        const dragging = current?.target.kind === 'joint' && current.target.joint === j;
        return (
          <g
            key={j}
            data-handle=""
            data-joint={j}
            role="button"
            aria-label={`${jointLabel(j)} (ground truth${visible ? '' : ', marked missing'})`}
            aria-pressed={selected}
            className="gt-handle"
            onPointerDown={(event) => onHandleDown({ kind: 'joint', joint: j }, gt.joints[j]!.xy!, event, scale)}
          >
            <circle cx={p[0]} cy={p[1]} r={hitR} fill="transparent" />
            <circle
              cx={p[0]}
              cy={p[1]}
              r={selected || dragging ? r * 1.4 : r}
              fill={visible ? GT_COLOR : 'none'}
              stroke={selected || dragging ? '#56b4e9' : visible ? '#000' : GT_COLOR}
              strokeWidth={selected || dragging ? 2.5 : 1.5}
              strokeDasharray={visible ? undefined : '2 2'}
              vectorEffect="non-scaling-stroke"
            />
            <title>{`${jointLabel(j)} (ground truth)${visible ? '' : ': marked missing'} — drag to move, arrows nudge`}</title>
          </g>
        );
      })}
    </g>
  );
});
