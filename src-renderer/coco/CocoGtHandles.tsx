/**
 * The focused COCO person's GT as draggable handles (issue 18): a handle per labelled keypoint and one
 * per box corner, driven by the editor's pointer state machine (annotate/drag-machine.ts: a drag past
 * the threshold previews, a release commits once, Esc puts the handle back; a click selects). The box
 * corners use the machine's box-corner target (its "head-corner", which is any axis-aligned box).
 * Rendered inside the image's SVG, whose user units are image pixels.
 */
import { useEffect, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Point2 } from '../../src-main/core/types.ts';
import {
  dragTransition,
  headCornerPoint,
  IDLE,
  moveHeadCorner,
  type DragInput,
  type DragState,
  type DragTarget,
  type HeadBox,
  type HeadCorner,
} from '../annotate/drag-machine.ts';
import type { CocoImagePerson } from '../../src-main/api/contract.ts';

export type CocoHandleCommit = { kind: 'keypoint'; keypoint: number; xy: Point2 } | { kind: 'bbox'; box: [number, number, number, number] };

export function CocoGtHandles(props: {
  person: CocoImagePerson;
  /** Screen pixels per image pixel (the SVG's current zoom). */
  scale: () => number;
  unit: number;
  selected: number | null;
  onSelect: (keypoint: number) => void;
  onCommit: (commit: CocoHandleCommit) => void;
}) {
  const { person, unit } = props;
  const machine = useRef<DragState>(IDLE);
  const [preview, setPreview] = useState<{ target: DragTarget; xy: Point2 } | null>(null);
  const [x, y, w, h] = person.bbox;
  const box: HeadBox = [x, y, x + w, y + h];

  const drive = (input: DragInput) => {
    const { state, effects } = dragTransition(machine.current, input);
    machine.current = state;
    for (const effect of effects) {
      if (effect.type === 'preview') setPreview({ target: effect.target, xy: effect.xy });
      else if (effect.type === 'restore') setPreview(null);
      else if (effect.type === 'select') {
        if (effect.target.kind === 'joint') props.onSelect(effect.target.joint);
      } else if (effect.type === 'commit') {
        setPreview(null);
        if (effect.target.kind === 'joint') props.onCommit({ kind: 'keypoint', keypoint: effect.target.joint, xy: effect.to });
        else {
          const [x1, y1, x2, y2] = moveHeadCorner(box, effect.target.corner, effect.to);
          props.onCommit({ kind: 'bbox', box: [x1, y1, x2 - x1, y2 - y1] });
        }
      }
    }
  };
  const down = (target: DragTarget, origin: Point2) => (event: ReactPointerEvent<SVGElement>) => {
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    drive({ type: 'pointerdown', target, pointerId: event.pointerId, x: event.clientX, y: event.clientY, origin, scale: props.scale(), button: event.button });
  };
  const handlers = {
    onPointerMove: (event: ReactPointerEvent<SVGElement>) => drive({ type: 'pointermove', pointerId: event.pointerId, x: event.clientX, y: event.clientY }),
    onPointerUp: (event: ReactPointerEvent<SVGElement>) => drive({ type: 'pointerup', pointerId: event.pointerId, x: event.clientX, y: event.clientY }),
    onPointerCancel: (event: ReactPointerEvent<SVGElement>) => drive({ type: 'pointercancel', pointerId: event.pointerId }),
  };
  // Esc while dragging puts the handle back (the machine ignores other keys)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (machine.current.phase !== 'idle') drive({ type: 'keydown', key: event.key });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const shownBox: HeadBox = preview?.target.kind === 'head-corner' ? moveHeadCorner(box, preview.target.corner, preview.xy) : box;
  const K = person.keypoints.length / 3;
  return (
    <g className="coco-gt-handles">
      <rect
        x={shownBox[0]}
        y={shownBox[1]}
        width={shownBox[2] - shownBox[0]}
        height={shownBox[3] - shownBox[1]}
        fill="none"
        stroke="#f5f5f5"
        strokeDasharray={`${4 * unit} ${3 * unit}`}
        strokeWidth={1.5 * unit}
      />
      {([0, 1, 2, 3] as const).map((corner: HeadCorner) => {
        const [cx, cy] = headCornerPoint(shownBox, corner);
        return (
          <rect
            key={`c${corner}`}
            data-handle={`corner-${corner}`}
            x={cx - 5 * unit}
            y={cy - 5 * unit}
            width={10 * unit}
            height={10 * unit}
            fill="#f5f5f5"
            fillOpacity={0.85}
            style={{ cursor: corner % 2 === 0 ? 'nwse-resize' : 'nesw-resize' }}
            onPointerDown={down({ kind: 'head-corner', corner }, headCornerPoint(box, corner))}
            {...handlers}
          />
        );
      })}
      {Array.from({ length: K }, (_, k) => {
        const v = person.keypoints[3 * k + 2]!;
        if (v === 0) return null;
        const moving = preview?.target.kind === 'joint' && preview.target.joint === k;
        const px = moving ? preview.xy[0] : person.keypoints[3 * k]!;
        const py = moving ? preview.xy[1] : person.keypoints[3 * k + 1]!;
        const selected = props.selected === k;
        return (
          <circle
            key={k}
            data-handle={`keypoint-${k}`}
            cx={px}
            cy={py}
            r={(selected ? 7 : 5.5) * unit}
            fill={v === 2 ? '#ffd166' : 'rgba(0,0,0,0.35)'}
            stroke={selected ? '#ffffff' : '#ffd166'}
            strokeWidth={(selected ? 2.5 : 1.5) * unit}
            style={{ cursor: 'grab' }}
            onPointerDown={down({ kind: 'joint', joint: k }, [person.keypoints[3 * k]!, person.keypoints[3 * k + 1]!])}
            {...handlers}
          />
        );
      })}
    </g>
  );
}
