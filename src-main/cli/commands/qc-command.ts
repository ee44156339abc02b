/**
 * posebench qc --dataset DIR [--db FILE] [--variant NAME ...] [--min-predictors N] [--limit N]
 *              [--format table|json|csv]
 *
 * The ground-truth review queue (issue 15): suspect annotations from the agreement of every variant
 * and imported prediction set of the workspace (hidden ones included; --variant picks some), plus checks
 * that need no predictor. JSON: {"predictors": [names], "persons", "gt_revision", "suspects": [{"id",
 * "index" (0-based dataset entry), "image", "kind", "score", "joints": [names], "predictors", "of",
 * "evidence", "proposal": {"action", ...}}]} sorted by score, descending; src-main/evaluation/gt-review.ts
 * defines the kinds and proposals.
 */
import type { GtSuspect } from '../../evaluation/gt-review.ts';
import { reviewWorkbenchGroundTruth, type GroundTruthReview } from '../../workbench/analysis.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { detectCocoDataset } from '../../datasets/coco-dataset.ts';
import { runCocoQc } from './qc-coco.ts';
import { CliUsageError, oneOf, parseCommandArgs, positiveInteger } from '../cli-args.ts';
import { csvCell } from './analyze-command.ts';
import { pad } from './compare-command.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

export async function runQcCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('qc', argv, {
    dataset: { type: 'string' },
    db: { type: 'string' },
    variant: { type: 'string', multiple: true },
    'min-predictors': { type: 'string' },
    limit: { type: 'string' },
    format: { type: 'string' },
  });
  if (values.dataset === undefined) throw new CliUsageError('posebench qc needs --dataset DIR');
  const format = oneOf('format', values.format, FORMATS, 'table');
  const minPredictors = positiveInteger('min-predictors', values['min-predictors'], 2);
  if (minPredictors < 2) throw new CliUsageError('--min-predictors must be at least 2 (agreement needs two predictors)');
  const limit = positiveInteger('limit', values.limit, 0);
  const cocoLocation = detectCocoDataset(values.dataset);
  if (cocoLocation !== null) return runCocoQc(cocoLocation, { db: values.db, variants: values.variant, minPredictors, limit, format });

  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    if (workbench.registration.status === 'reimported') process.stderr.write(`${workbench.registration.message}\n`);
    const review = reviewWorkbenchGroundTruth(workbench, { minPredictors, ...(values.variant !== undefined ? { names: values.variant } : {}) });
    if (review.predictors.length < minPredictors) {
      process.stderr.write(
        `posebench qc: ${review.predictors.length} predictor(s) with a finished run, fewer than --min-predictors ${minPredictors}: only the checks that need no predictor were made\n`,
      );
    }
    const shown: GroundTruthReview = limit > 0 ? { ...review, suspects: review.suspects.slice(0, limit) } : review;
    const text = format === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : format === 'csv' ? formatQcCsv(shown) : formatQcTable(shown, review.suspects);
    process.stdout.write(text);
    return 0;
  } finally {
    workbench.close();
  }
}

function proposalText(s: GtSuspect): string {
  const p = s.proposal;
  switch (p.action) {
    case 'swap_pairs':
      return `swap ${p.pairs.map(([a, b]) => `${a}<->${b}`).join(', ')}`;
    case 'move_joint':
      return `move ${p.joint} to (${p.to[0].toFixed(1)}, ${p.to[1].toFixed(1)})`;
    case 'mark_missing':
      return `mark missing: ${p.joints.join(', ')}`;
    case 'none':
      return `none: ${p.reason}`;
  }
}

export function formatQcCsv(review: GroundTruthReview): string {
  const rows: (string | number | null)[][] = [['index', 'image', 'kind', 'score', 'joints', 'predictors', 'of', 'proposal', 'evidence']];
  for (const s of review.suspects)
    rows.push([s.index, s.image, s.kind, s.score, s.joints.join(' '), s.predictors, s.of, proposalText(s), JSON.stringify(s.evidence)]);
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}

export function formatQcTable(review: GroundTruthReview, all: readonly GtSuspect[] = review.suspects): string {
  const total = all.length;
  const lines: string[] = [
    `${review.persons} persons, ${review.predictors.length} predictors (${review.predictors.join(', ') || 'none'}), ${total} suspects${review.suspects.length < total ? ` (first ${review.suspects.length} shown)` : ''}`,
  ];
  const counts = new Map<string, number>();
  for (const s of all) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  if (counts.size > 0) lines.push(`by kind: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  lines.push('', [pad('score', 7, true), pad('index', 6, true), pad('image', 14), pad('kind', 19), pad('votes', 5, true), ' joints / proposal'].join(' '));
  for (const s of review.suspects) {
    lines.push(
      [
        pad(s.score.toFixed(2), 7, true),
        pad(String(s.index), 6, true),
        pad(s.image, 14),
        pad(s.kind, 19),
        pad(s.of > 0 ? `${s.predictors}/${s.of}` : '-', 5, true),
        ` ${s.joints.join(', ') || '-'}: ${proposalText(s)}`,
      ].join(' '),
    );
  }
  return `${lines.join('\n')}\n`;
}
