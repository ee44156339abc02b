/**
 * PCKh per joint with left and right side by side: one row per body part (head top, upper neck,
 * shoulder … ankle, then pelvis and thorax), for each variant an R and an L column. Pelvis and thorax
 * are marked: the mean (PCKh) leaves them out (mmpose's MPII evaluation, spec §2).
 */
import { memo } from 'react';
import type { MetricsTable } from '../../src-main/api/contract.ts';
import { variantColor } from '../shared/colors.ts';
import { fmtPct } from '../shared/format.ts';

/** Body parts in reading order: [label, right joint, left joint] (unpaired: the same joint twice). */
export const BODY_PARTS: readonly { label: string; right: number; left: number | null; outsideMean?: boolean }[] = [
  { label: 'head top', right: 9, left: null },
  { label: 'upper neck', right: 8, left: null },
  { label: 'shoulder', right: 12, left: 13 },
  { label: 'elbow', right: 11, left: 14 },
  { label: 'wrist', right: 10, left: 15 },
  { label: 'hip', right: 2, left: 3 },
  { label: 'knee', right: 1, left: 4 },
  { label: 'ankle', right: 0, left: 5 },
  { label: 'pelvis', right: 6, left: null, outsideMean: true },
  { label: 'thorax', right: 7, left: null, outsideMean: true },
];

export const PerJointTable = memo(function PerJointTable({ table }: { table: MetricsTable }) {
  const rows = table.perJoint;
  const value = (variant: number, joint: number | null) => {
    if (joint === null) return null;
    return rows[variant]?.pckh[joint] ?? null;
  };
  return (
    <table className="data per-joint" aria-label="Right and left, per body part">
      <thead>
        <tr>
          <th scope="col" rowSpan={2}>
            Joint
          </th>
          {rows.map((row, v) => (
            <th scope="colgroup" colSpan={2} key={row.variantId} className="variant-head">
              <span className="swatch" style={{ background: variantColor(v) }} aria-hidden="true" />
              {row.variantName}
            </th>
          ))}
        </tr>
        <tr>
          {rows.map((row) => [
            <th scope="col" key={`${row.variantId}-r`} title="right">
              R
            </th>,
            <th scope="col" key={`${row.variantId}-l`} title="left">
              L
            </th>,
          ])}
        </tr>
      </thead>
      <tbody>
        {BODY_PARTS.map((part) => (
          <tr key={part.label} className={part.outsideMean ? 'outside-mean' : undefined}>
            <th scope="row">
              {part.label}
              {part.outsideMean ? ' ' : null}
              {part.outsideMean ? (
                <span className="outside-mean-tag" title="mmpose's MPII PCKh leaves pelvis and thorax out of the mean">
                  not in the mean
                </span>
              ) : null}
            </th>
            {rows.map((row, v) =>
              part.left === null
                ? [
                    <td key={`${row.variantId}-c`} className="r" colSpan={2} style={{ textAlign: 'center' }}>
                      {fmtPct(value(v, part.right))}
                    </td>,
                  ]
                : [
                    <td key={`${row.variantId}-r`} className="r">
                      {fmtPct(value(v, part.right))}
                    </td>,
                    <td key={`${row.variantId}-l`}>{fmtPct(value(v, part.left))}</td>,
                  ],
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
});
