/**
 * posebench qc --dataset COCO_DIR [--db FILE] [--variant NAME ...] [--min-predictors N] [--limit N] [--format table|json|csv]
 *
 * The ground-truth review queue on a COCO keypoint folder (evaluation/coco-gt-review.ts, through
 * workbench/coco-review.ts as the app's review): suspects from the variants kept in the workspace
 * (`eval --dataset COCO_DIR` and the app's imports), against the GT with the workspace's corrections.
 * JSON: {"predictors", "persons", "suspects": [{"id", "index" (0-based keypoint annotation), "annotation_id",
 * "image", "kind", "score", "keypoints": [names], "predictors", "of", "reason", "proposal"}]}, by score.
 */
import { oneLine } from '../../core/printable-excerpt.ts';
import { openCocoDataset, type CocoDatasetLocation } from '../../datasets/coco-dataset.ts';
import type { CocoProposal } from '../../evaluation/coco-gt-review.ts';
import { listCocoVariants } from '../../store/coco-variants-repo.ts';
import { effectiveCocoDataset, storedCocoCorrections } from '../../workbench/coco-corrections.ts';
import { evaluateCocoResults } from '../../workbench/coco-evaluation.ts';
import { reviewCocoGroundTruth } from '../../workbench/coco-review.ts';
import { openCocoWorkspace, storedCocoResults } from '../../workbench/coco-variants.ts';
import { CliUsageError } from '../cli-args.ts';
import { csvCell } from './analyze-command.ts';

export interface CocoQcOptions {
  readonly db: string | undefined;
  readonly variants: readonly string[] | undefined;
  readonly minPredictors: number;
  readonly limit: number;
  readonly format: 'table' | 'json' | 'csv';
}

export function runCocoQc(location: CocoDatasetLocation, options: CocoQcOptions): number {
  const opened = openCocoDataset(location);
  for (const warning of opened.warnings) process.stderr.write(`warning: ${oneLine(warning.message)}\n`);
  const ws = openCocoWorkspace(opened, options.db);
  try {
    const dataset = effectiveCocoDataset(opened, storedCocoCorrections(ws, opened).corrected);
    let records = listCocoVariants(ws, opened.annotationFile);
    if (options.variants !== undefined) {
      const unknown = options.variants.filter((name) => !records.some((r) => r.name === name));
      if (unknown.length > 0)
        throw new CliUsageError(
          `no variant named ${unknown.map((n) => `"${n}"`).join(', ')} in this workspace (it has: ${records.map((r) => r.name).join(', ') || 'none'})`,
        );
      records = records.filter((r) => options.variants!.includes(r.name));
    }
    const variants = records.map((record) => ({
      name: record.name,
      report: evaluateCocoResults(
        dataset,
        record.sourcePath,
        { results: storedCocoResults(ws, record), areaFromBbox: record.areaFromBbox, warnings: [] },
        { partitions: false },
      ),
    }));
    if (variants.length < options.minPredictors) {
      process.stderr.write(
        `posebench qc: ${variants.length} variant(s) in the workspace, fewer than --min-predictors ${options.minPredictors}: only the checks that need no predictor were made\n`,
      );
    }
    const review = reviewCocoGroundTruth(dataset, variants.length >= options.minPredictors ? variants : []);
    const names = dataset.annotations.category.keypoints;
    const fileNames = new Map(dataset.annotations.images.map((im) => [im.id, im.fileName]));
    const suspects = (options.limit > 0 ? review.suspects.slice(0, options.limit) : review.suspects).map((s) => ({
      id: s.id,
      index: s.index,
      annotation_id: s.annotationId,
      image: fileNames.get(s.imageId) ?? String(s.imageId),
      kind: s.kind,
      score: s.score,
      keypoints: s.keypoints.map((k) => names[k]!),
      predictors: s.predictors,
      of: s.of,
      reason: s.reason,
      proposal: proposalJson(s.proposal, names),
    }));
    if (options.format === 'json') {
      process.stdout.write(`${JSON.stringify({ predictors: review.predictors, persons: review.persons, suspects }, null, 2)}\n`);
    } else if (options.format === 'csv') {
      const header = ['index', 'annotation_id', 'image', 'kind', 'score', 'keypoints', 'predictors', 'of', 'reason'];
      const rows = suspects.map((s) =>
        [s.index, s.annotation_id, s.image, s.kind, s.score, s.keypoints.join(' '), s.predictors, s.of, s.reason].map(csvCell).join(','),
      );
      process.stdout.write(`${[header.join(','), ...rows].join('\n')}\n`);
    } else {
      const lines = [`${review.suspects.length} suspects among ${review.persons} annotations · predictors: ${review.predictors.join(', ') || 'none'}`];
      for (const s of suspects) lines.push(`${s.score.toFixed(2).padStart(7)}  ${s.kind.padEnd(18)} #${s.index} (${s.image})  ${s.reason}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    ws.db.close();
  }
}

function proposalJson(proposal: CocoProposal, names: readonly string[]): Record<string, unknown> {
  switch (proposal.action) {
    case 'swap_pairs':
      return { action: 'swap_pairs', pairs: proposal.pairs.map(([a, b]) => [names[a], names[b]]) };
    case 'move_keypoint':
      return { action: 'move_keypoint', keypoint: names[proposal.keypoint], to: proposal.to };
    default:
      return { ...proposal };
  }
}
