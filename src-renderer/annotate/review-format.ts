/** Words for the review queue (kinds, evidence, proposals) and its CSV export. */
import type { ReviewProposal, ReviewSuspect, ReviewSuspectKind } from '../../src-main/api/contract.ts';
import { MPII_JOINT_NAMES } from '../../src-main/core/joints.ts';
import { jointLabel } from '../shared/joint-order.ts';

export const KIND_LABELS: Readonly<Record<ReviewSuspectKind, string>> = {
  flip_pair: 'L/R flip (pair)',
  flip_upper_body: 'L/R flip (upper body)',
  flip_lower_body: 'L/R flip (lower body)',
  flip_whole_person: 'L/R flip (whole person)',
  displaced_joint: 'displaced joint',
  wrong_person: 'wrong person',
  joint_outside_image: 'joint outside image',
  head_box_degenerate: 'empty head box',
  head_box_off_head: 'head box off the head',
  duplicate_person: 'duplicate person',
};

export function jointIndexOf(name: string): number | null {
  const index = (MPII_JOINT_NAMES as readonly string[]).indexOf(name);
  return index < 0 ? null : index;
}

const label = (name: string): string => {
  const index = jointIndexOf(name);
  return index === null ? name : jointLabel(index);
};

export function proposalText(proposal: ReviewProposal): string {
  switch (proposal.action) {
    case 'swap_pairs':
      return `swap ${proposal.pairs.map(([a, b]) => `${label(a)} ↔ ${label(b)}`).join(', ')}`;
    case 'move_joint':
      return `move ${label(proposal.joint)} to (${proposal.to[0].toFixed(0)}, ${proposal.to[1].toFixed(0)})`;
    case 'mark_missing':
      return `mark ${proposal.joints.map(label).join(', ')} missing`;
    case 'none':
      return `no automatic fix: ${proposal.reason}`;
  }
}

export function evidenceText(suspect: ReviewSuspect): string {
  const votes = suspect.of > 0 ? `${suspect.predictors}/${suspect.of} predictors agree` : 'check without predictors';
  const numbers = Object.entries(suspect.evidence)
    // How a flip's pairs were found says something only when some were not found by the vote.
    .filter(([key, value]) => value !== null && !(key.startsWith('pairs_by_') && value === 0))
    .map(([key, value]) => `${key.replace(/_/g, ' ')} ${typeof value === 'number' ? (Number.isInteger(value) ? value : value.toFixed(2)) : value}`);
  return numbers.length > 0 ? `${votes} · ${numbers.join(', ')}` : votes;
}

const VERDICT_LABELS = { fixed: 'fixed', label_right: 'label right', later: 'later' } as const;

export function verdictLabel(suspect: ReviewSuspect): string {
  return suspect.decision ? VERDICT_LABELS[suspect.decision.verdict] : 'open';
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The queue as CSV: qc's columns (index = 0-based dataset entry) plus the decision. */
export function queueCsv(suspects: readonly ReviewSuspect[]): string {
  const rows: (string | number | null)[][] = [
    ['rank', 'index', 'image', 'kind', 'score', 'joints', 'predictors', 'of', 'proposal', 'evidence', 'decision', 'decided_at'],
  ];
  suspects.forEach((s, rank) =>
    rows.push([
      rank + 1,
      s.index,
      s.image,
      s.kind,
      s.score,
      s.joints.join(' '),
      s.predictors,
      s.of,
      proposalText(s.proposal),
      JSON.stringify(s.evidence),
      s.decision?.verdict ?? '',
      s.decision?.decided_at ?? '',
    ]),
  );
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
