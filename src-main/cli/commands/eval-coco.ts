/**
 * posebench eval --dataset COCO_DIR (--predictions RESULTS.json … | --model M.onnx … [--bbox-file DETS.json
 *                [--bbox-score-thr T]]) [--name N …] [--db FILE] [--format table|json|csv] [--no-partition-ap]
 *
 * `eval` on a COCO keypoint folder (datasets/coco-dataset.ts decides; MPII folders never get here).
 * RESULTS.json is a COCO results file ([{image_id, category_id, keypoints, score}]). Numbers are in
 * percent (100 × pycocotools' stats, at full float64 precision in json); pycocotools' −1 ("no GT in
 * this area range") is printed as null / —.
 *
 * `--model M.onnx`: top-down as mmpose evaluates COCO (workbench/coco-model-run.ts: mmpose's box →
 * crop, the MPII decoders, mmpose's rescoring and OKS-NMS), with the GT boxes, or with the person boxes
 * of `--bbox-file` (mmpose's `bbox_file`, formats/coco-detections.ts); `--bbox-score-thr T` drops boxes
 * scoring below T, as mmpose 1.x's `filter_cfg=dict(bbox_score_thr=T)` (none by default).
 *
 * Every variant's results are kept in the workspace (`--db FILE`, else the one posebench keeps for the
 * dataset folder; workbench/coco-variants.ts), so the app lists them with the same numbers.
 */
import path from 'node:path';
import {
  cocoModelRunIdentity,
  openCocoWorkspace,
  readCocoDetections,
  readCocoResultsFile,
  storeCocoResults,
  variantNameOf,
} from '../../workbench/coco-variants.ts';
import { effectiveCocoDataset, storedCocoCorrections } from '../../workbench/coco-corrections.ts';
import { oneLine } from '../../core/printable-excerpt.ts';
import { COCO_ERROR_CLASSES, PCK_ALPHAS } from '../../evaluation/coco-keypoint-analysis.ts';
import { COCO_STAT_NAMES, type CocoKeypointStats } from '../../evaluation/coco-oks-eval.ts';
import { detectCocoDataset, evaluateCocoResults, openCocoDataset, type CocoEvaluationReport } from '../../workbench/coco-evaluation.ts';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

/** The value of `--dataset` in argv (either `--dataset X` or `--dataset=X`), if any. */
function datasetArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dataset') return argv[i + 1];
    if (arg.startsWith('--dataset=')) return arg.slice('--dataset='.length);
  }
  return undefined;
}

/** Runs `eval` when --dataset is a COCO keypoint folder (or json); null otherwise (MPII goes on as before). */
export async function runEvalCocoIfCoco(argv: string[]): Promise<number | null> {
  const dataset = datasetArgument(argv);
  if (dataset === undefined) return null;
  const location = detectCocoDataset(dataset);
  if (location === null) return null;
  return runEvalCoco(argv, location);
}

async function runEvalCoco(argv: string[], location: NonNullable<ReturnType<typeof detectCocoDataset>>): Promise<number> {
  const { values } = parseCommandArgs('eval', argv, {
    dataset: { type: 'string' },
    predictions: { type: 'string', multiple: true },
    name: { type: 'string', multiple: true },
    format: { type: 'string' },
    'no-partition-ap': { type: 'boolean' },
    model: { type: 'string', multiple: true },
    'bbox-file': { type: 'string' },
    'bbox-score-thr': { type: 'string' },
    db: { type: 'string' },
  });
  const format = oneOf('format', values.format, FORMATS, 'table');
  const files = values.predictions ?? [];
  const models = values.model ?? [];
  const bboxFile = values['bbox-file'];
  if (bboxFile !== undefined && models.length === 0)
    throw new CliUsageError('--bbox-file gives the person boxes for --model runs; --predictions files already hold their detections');
  let scoreThreshold: number | null = null;
  if (values['bbox-score-thr'] !== undefined) {
    if (bboxFile === undefined) throw new CliUsageError('--bbox-score-thr applies to the boxes of --bbox-file');
    scoreThreshold = Number(values['bbox-score-thr']);
    if (values['bbox-score-thr'].trim() === '' || !Number.isFinite(scoreThreshold))
      throw new CliUsageError(`--bbox-score-thr expects a number, got "${values['bbox-score-thr']}"`);
  }
  if (files.length === 0 && models.length === 0)
    throw new CliUsageError('posebench eval on a COCO dataset needs --predictions RESULTS.json (a COCO keypoint results file) or --model FILE.onnx');
  const names = values.name ?? [];
  if (names.length > 0 && names.length !== files.length + models.length)
    throw new CliUsageError('give one --name per --predictions/--model, in the same order, or none');

  const opened = openCocoDataset(location);
  for (const warning of opened.warnings) process.stderr.write(`warning: ${oneLine(warning.message)}\n`);
  const partitions = values['no-partition-ap'] !== true;
  const detections = bboxFile === undefined ? undefined : readCocoDetections(bboxFile, opened, scoreThreshold);
  if (detections !== undefined) for (const warning of detections.warnings) process.stderr.write(`warning: ${oneLine(warning.message)}\n`);
  // Every result is kept in the workspace (as `eval` on MPII does), so the app shows it with the same
  // numbers; and scored against the workspace's ground truth (the file with the app's corrections), as the app is.
  const ws = openCocoWorkspace(opened, values.db);
  const { corrected } = storedCocoCorrections(ws, opened);
  const dataset = effectiveCocoDataset(opened, corrected);
  if (corrected.size > 0) {
    process.stderr.write(
      `note: scored against the workspace's ground truth: ${corrected.size} annotation${corrected.size === 1 ? '' : 's'} corrected in the app (export them with the app's Export)\n`,
    );
  }
  try {
    return await evaluateAndStore();
  } finally {
    ws.db.close();
  }

  async function evaluateAndStore(): Promise<number> {
    const reports: { variant: string; report: CocoEvaluationReport; boxes?: Record<string, unknown> }[] = files.map((file, i) => {
      const { parsed, sha256, absolute } = readCocoResultsFile(dataset, file);
      const report = evaluateCocoResults(dataset, file, parsed, { partitions });
      for (const warning of report.warnings) process.stderr.write(`warning: ${oneLine(warning.message)}\n`);
      const variant = names[i] ?? variantNameOf(file);
      storeCocoResults(ws, dataset, { name: variant, kind: 'predictions', sourcePath: absolute, sha256 }, parsed.results, parsed.areaFromBbox);
      return { variant, report };
    });
    let exitCode = 0;
    for (const [i, modelFile] of models.entries()) {
      const { runCocoModel, describeRunBox } = await import('../../workbench/coco-model-run.ts');
      const run = await runCocoModel(dataset, modelFile, {
        ...(detections !== undefined ? { detections: detections.boxes } : {}),
        onProgress: (done, total) => {
          if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} boxes${done === total ? '\n' : ''}`);
        },
      });
      const variant = names[files.length + i] ?? run.model;
      if (run.missingImages.length > 0) {
        const boxes = run.missingImages.reduce((n, m) => n + m.boxes, 0);
        process.stderr.write(
          `warning: ${variant}: ${boxes} boxes on ${run.missingImages.length} images without a file in ${dataset.imagesDir ?? dataset.root} are left out (first: ${run.missingImages[0]!.image})\n`,
        );
      }
      for (const f of run.failed.slice(0, 10))
        process.stderr.write(`warning: ${variant}: ${describeRunBox(f.box)} (${f.image}) failed: ${oneLine(f.reason)}\n`);
      if (run.failed.length > 10) process.stderr.write(`warning: ${variant}: ${run.failed.length - 10} more boxes failed\n`);
      if (run.persons > 0 && run.nms.before === 0) {
        process.stderr.write(`error: ${variant}: no box could be run (missing images or failures); its numbers are not usable\n`);
        exitCode = 1;
      }
      if (format === 'table')
        process.stderr.write(
          `${variant}: ${run.boxSource === 'gt' ? 'GT boxes' : `detected boxes from ${path.basename(bboxFile!)}`}: ${run.nms.before} instances, ${run.nms.kept} after OKS-NMS at 0.9\n`,
        );
      const report = evaluateCocoResults(dataset, modelFile, { results: run.results, areaFromBbox: true, warnings: [] }, { partitions });
      if (run.nms.before > 0) {
        storeCocoResults(
          ws,
          dataset,
          { name: variant, kind: 'model', sourcePath: path.resolve(modelFile), sha256: cocoModelRunIdentity(modelFile, bboxFile, scoreThreshold) },
          run.results,
          true,
        );
      }
      reports.push({
        variant,
        report,
        boxes: {
          source: run.boxSource,
          ...(bboxFile !== undefined ? { file: bboxFile, person_boxes: detections!.personBoxes, score_threshold: scoreThreshold } : {}),
          run: run.persons,
          instances: run.nms.before,
          after_oks_nms: run.nms.kept,
        },
      });
    }
    if (format === 'json') {
      const objects = reports.map(({ variant, report, boxes }) => ({ ...cocoJsonReport(variant, report), ...(boxes !== undefined ? { boxes } : {}) }));
      process.stdout.write(`${JSON.stringify(objects.length === 1 ? objects[0] : { variants: objects }, null, 2)}\n`);
    } else if (format === 'csv') {
      process.stdout.write(cocoCsv(reports));
    } else {
      process.stdout.write(reports.map(({ variant, report }) => cocoTable(variant, report)).join('\n'));
    }
    return exitCode;
  }
}

/** 100 × a pycocotools stat; null for its −1. */
function percent(value: number): number | null {
  return value === -1 ? null : 100 * value;
}

function percentOrNull(value: number | null): number | null {
  return value === null ? null : 100 * value;
}

function statsPercent(stats: CocoKeypointStats): Record<string, number | null> {
  return Object.fromEntries(COCO_STAT_NAMES.map((name) => [name, percent(stats[name])]));
}

const alphaKey = (alpha: number): string => String(alpha).replace('.', '_');

/** Per-keypoint columns (snake_case), values in percent except counts and the mean box-normalised error. */
function keypointColumns(report: CocoEvaluationReport, k: number): Record<string, number | null> {
  const row = report.analysis.rows[k]!;
  const columns: Record<string, number | null> = {
    count: row.count,
    oks_acc_50: percentOrNull(row.oksAcc50),
    oks_acc_75: percentOrNull(row.oksAcc75),
  };
  PCK_ALPHAS.forEach((alpha, a) => {
    columns[`pck_bbox_${alphaKey(alpha)}`] = percentOrNull(row.pckBbox[a]!);
  });
  PCK_ALPHAS.forEach((alpha, a) => {
    columns[`pck_torso_${alphaKey(alpha)}`] = percentOrNull(row.pckTorso[a]!);
  });
  columns['torso_count'] = row.torsoCount;
  columns['mean_error_bbox'] = row.meanErrorBbox;
  for (const c of COCO_ERROR_CLASSES) columns[c] = percentOrNull(row.classes[c]);
  const stats = report.keypointStats?.[k];
  if (stats !== undefined) {
    columns['ap'] = percent(stats.AP);
    columns['ap50'] = percent(stats.AP50);
    columns['ap75'] = percent(stats.AP75);
    columns['ar'] = percent(stats.AR);
  }
  return columns;
}

export const COCO_REPORT_NOTES: readonly string[] = [
  'metrics: 100 × pycocotools COCOeval(iouType="keypoints").stats, bit for bit; null where pycocotools gives -1 (no GT in that area range).',
  'per_keypoint: over GT persons matched at OKS 0.5 (area "all"), their labelled keypoints; oks_acc_X: share with keypoint similarity KS >= X; pck_bbox_A: distance < A × the GT box\'s longer side; pck_torso_A: distance < A × |left_shoulder − right_hip| of the GT (null on sets without those names); mean_error_bbox: mean distance / box longer side.',
  "good/jitter/inversion/swap/miss: coco-analyze's classes on KS (good > 0.85, jitter 0.5–0.85, inversion/swap KS >= 0.5 against the mirrored / another person's keypoint, miss otherwise), left/right pairs from left_*/right_* names.",
  "ap/ap50/ap75/ar per keypoint and groups: COCOeval restricted to those keypoints (their sigmas, num_keypoints recounted), as mmpose's KeypointPartitionMetric.",
];

export function cocoJsonReport(variant: string, report: CocoEvaluationReport): Record<string, unknown> {
  return {
    variant,
    predictions: report.predictionsFile,
    category: report.category,
    sigmas: report.sigmaSource === 'file' ? 'from the category' : 'COCO published',
    instances: report.instances,
    matched_instances: report.analysis.matchedPersons,
    detections: report.detections,
    metrics: statsPercent(report.stats),
    per_keypoint: report.keypoints.map((name, k) => ({ name, ...keypointColumns(report, k) })),
    ...(report.groups !== null ? { groups: report.groups.map((g) => ({ name: g.name, keypoints: g.keypoints, ...statsPercent(g.stats) })) } : {}),
    torso: report.analysis.torso === null ? null : report.analysis.torso.map((k) => report.keypoints[k]),
    notes: COCO_REPORT_NOTES,
  };
}

function cell(value: number | null | undefined, digits = 1, width = 7): string {
  return (value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits)).padStart(width);
}

function cocoTable(variant: string, report: CocoEvaluationReport): string {
  const lines: string[] = [];
  const m = statsPercent(report.stats);
  lines.push(
    `${variant} — ${report.category}, ${report.instances} instances (${report.analysis.matchedPersons} matched at OKS 0.5), ${report.detections} detections`,
  );
  lines.push(COCO_STAT_NAMES.map((n) => n.padStart(7)).join(' '));
  lines.push(COCO_STAT_NAMES.map((n) => cell(m[n], 2)).join(' '));
  lines.push('');
  const header = [
    'keypoint'.padEnd(16),
    'count'.padStart(6),
    'KS≥.5'.padStart(7),
    'KS≥.75'.padStart(7),
    'PCKb.1'.padStart(7),
    'PCKt.2'.padStart(7),
    'err/box'.padStart(7),
    'good'.padStart(7),
    'jitter'.padStart(7),
    'invers'.padStart(7),
    'swap'.padStart(7),
    'miss'.padStart(7),
    'AP'.padStart(7),
  ];
  lines.push(header.join(' '));
  report.keypoints.forEach((name, k) => {
    const c = keypointColumns(report, k);
    lines.push(
      [
        name.padEnd(16),
        String(c['count']).padStart(6),
        cell(c['oks_acc_50']),
        cell(c['oks_acc_75']),
        cell(c['pck_bbox_0_1']),
        cell(c['pck_torso_0_2']),
        cell(c['mean_error_bbox'], 3),
        ...COCO_ERROR_CLASSES.map((x) => cell(c[x])),
        cell(c['ap']),
      ].join(' '),
    );
  });
  if (report.groups !== null && report.groups.length > 0) {
    lines.push('');
    lines.push(`${'group'.padEnd(16)} ${COCO_STAT_NAMES.map((n) => n.padStart(7)).join(' ')}`);
    for (const g of report.groups) {
      const s = statsPercent(g.stats);
      lines.push(`${g.name.padEnd(16)} ${COCO_STAT_NAMES.map((n) => cell(s[n], 2)).join(' ')}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One row per (variant, scope): the overall numbers, each group, each keypoint. */
function cocoCsv(reports: readonly { variant: string; report: CocoEvaluationReport }[]): string {
  const first = reports[0];
  if (first === undefined) return '';
  const keypointKeys = Object.keys(keypointColumns(first.report, 0));
  const header = ['variant', 'scope', 'name', ...COCO_STAT_NAMES, ...keypointKeys];
  const rows: (string | number | null)[][] = [];
  for (const { variant, report } of reports) {
    const overall = statsPercent(report.stats);
    rows.push([
      variant,
      'all',
      report.category,
      ...COCO_STAT_NAMES.map((n) => overall[n] ?? null),
      ...keypointKeys.map((key) => (key === 'count' ? report.instances : null)),
    ]);
    for (const g of report.groups ?? []) {
      const s = statsPercent(g.stats);
      rows.push([variant, 'group', g.name, ...COCO_STAT_NAMES.map((n) => s[n] ?? null), ...keypointKeys.map(() => null)]);
    }
    report.keypoints.forEach((name, k) => {
      const c = keypointColumns(report, k);
      const stats = report.keypointStats?.[k];
      const s = stats === undefined ? null : statsPercent(stats);
      rows.push([variant, 'keypoint', name, ...COCO_STAT_NAMES.map((n) => s?.[n] ?? null), ...keypointKeys.map((key) => c[key] ?? null)]);
    });
  }
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}
