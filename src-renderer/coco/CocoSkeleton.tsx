/**
 * A COCO person's keypoints as an SVG group in image pixels: bones from the category's skeleton,
 * labelled keypoints as dots — filled when visible (v = 2), hollow when labelled but not visible
 * (v = 1); unlabelled (v = 0) ones are not drawn. Predictions (`predicted`) have no visibility: every
 * point is drawn filled, except (0, 0), the results format's "no prediction". `unit` is one screen pixel in image pixels, so strokes keep their width.
 */
import type { ReactNode } from 'react';

export function CocoSkeleton(props: {
  keypoints: readonly number[];
  skeleton: readonly (readonly [number, number])[];
  color: string;
  unit: number;
  predicted?: boolean;
  dashed?: boolean;
  focus?: number | null;
  label?: string;
}) {
  const { keypoints, skeleton, color, unit, predicted = false, focus = null } = props;
  const K = keypoints.length / 3;
  const labelled = (k: number) => (predicted ? keypoints[3 * k] !== 0 || keypoints[3 * k + 1] !== 0 : keypoints[3 * k + 2]! > 0);
  const bones: ReactNode[] = [];
  for (const [a, b] of skeleton) {
    if (a >= K || b >= K || !labelled(a) || !labelled(b)) continue;
    bones.push(
      <line
        key={`${a}-${b}`}
        x1={keypoints[3 * a]}
        y1={keypoints[3 * a + 1]}
        x2={keypoints[3 * b]}
        y2={keypoints[3 * b + 1]}
        stroke={color}
        strokeWidth={1.6 * unit}
        strokeDasharray={props.dashed ? `${4 * unit} ${3 * unit}` : undefined}
        strokeOpacity={0.8}
      />,
    );
  }
  const dots: ReactNode[] = [];
  for (let k = 0; k < K; k++) {
    if (!labelled(k)) continue;
    const hollow = !predicted && keypoints[3 * k + 2] === 1;
    const r = (k === focus ? 5 : 3) * unit;
    dots.push(
      <circle
        key={k}
        cx={keypoints[3 * k]}
        cy={keypoints[3 * k + 1]}
        r={r}
        fill={hollow ? 'none' : color}
        stroke={k === focus ? '#fff' : color}
        strokeWidth={(k === focus ? 2 : 1.4) * unit}
      />,
    );
  }
  return (
    <g aria-label={props.label}>
      {bones}
      {dots}
    </g>
  );
}
