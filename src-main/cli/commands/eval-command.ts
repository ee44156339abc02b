/**
 * posebench eval (--dataset DIR | --demo) (--predictions FILE [--coordinate-base 0|1] | --model FILE.onnx ...)
 *                [--protocol mmpose0x|mmpose1x] [--format table|json|csv] [--db FILE] [--name NAME]
 *                [--flip-test | --no-flip-test] [--heatmap-refine shift|dark|none] [--simcc-split-ratio R]
 *                [--sigma-is-logit | --no-sigma-is-logit] [--rerun] [--max-failed-share S]
 *                [--ci [--bootstrap B] [--seed S]]   95 % paired-bootstrap intervals per column [--latency-runs N] [--no-crop-cache]
 *
 * Model runs go through the one orchestration every host uses (workbench/run-variants.ts): decoder
 * options given here win over the model's sidecar; options not given leave the sidecar's in force.
 * Exit status 1 when a variant's result is unusable: every person failed, or more than
 * --max-failed-share of them (default 0.05); the report is still printed.
 */
import path from 'node:path';
import { CliUsageError, oneOf, parseCommandArgs, positiveInteger } from '../cli-args.ts';
import { DEFAULT_LATENCY_RUNS } from '../../workbench/run-variants.ts';
import { DEFAULT_BOOTSTRAP_REPLICATES } from '../../evaluation/bootstrap.ts';
import { DEFAULT_STATISTICS_SEED } from '../statistics-options.ts';
import { oneLine } from '../../core/printable-excerpt.ts';
import { formatCsv, formatTable, toJsonReport, type VariantReport } from '../report-format.ts';
import { DEFAULT_PCKH_PROTOCOL, PCKH_PROTOCOLS, type PckhProtocol } from '../../core/types.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { importPredictionsVariant } from '../../workbench/import-variant.ts';
import { toVariantReport } from '../variant-report.ts';
import { DECODER_OPTION_FLAGS, decoderOptionsFromFlags } from '../decoder-option-flags.ts';
import type { LatencyMeasurement } from '../../store/latency-repo.ts';
import type { PipelineProgress } from '../../inference/runtime/run-pipeline.ts';
import { runEvalCocoIfCoco } from './eval-coco.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

export async function runEvalCommand(argv: string[]): Promise<number> {
  // A COCO keypoint folder (annotations/*.json, not an MPII layout) has its own eval (eval-coco.ts).
  const coco = await runEvalCocoIfCoco(argv);
  if (coco !== null) return coco;
  const { values } = parseCommandArgs('eval', argv, {
    dataset: { type: 'string' },
    demo: { type: 'boolean' },
    predictions: { type: 'string', multiple: true },
    'coordinate-base': { type: 'string' },
    model: { type: 'string', multiple: true },
    protocol: { type: 'string' },
    format: { type: 'string' },
    db: { type: 'string' },
    name: { type: 'string', multiple: true },
    ...DECODER_OPTION_FLAGS,
    rerun: { type: 'boolean' },
    'max-failed-share': { type: 'string' },
    ci: { type: 'boolean' },
    bootstrap: { type: 'string' },
    seed: { type: 'string' },
    'latency-runs': { type: 'string' },
    'no-crop-cache': { type: 'boolean' },
  });
  const format = oneOf('format', values.format, FORMATS, 'table');
  const protocol: PckhProtocol = oneOf('protocol', values.protocol, PCKH_PROTOCOLS, DEFAULT_PCKH_PROTOCOL);
  const coordinateBase = oneOf('coordinate-base', values['coordinate-base'], ['0', '1'], '0') === '1' ? 1 : 0;
  const predictionFiles = values.predictions ?? [];
  let modelFiles = values.model ?? [];
  const names = values.name ?? [];
  const decoderOptions = decoderOptionsFromFlags(values);
  const latencyRuns = positiveInteger('latency-runs', values['latency-runs'], DEFAULT_LATENCY_RUNS);
  const maxFailedShare = shareArgument(values['max-failed-share']);
  const replicates = positiveInteger('bootstrap', values.bootstrap, DEFAULT_BOOTSTRAP_REPLICATES);
  const seed = positiveInteger('seed', values.seed, DEFAULT_STATISTICS_SEED);
  if (values.ci && replicates < 1) throw new CliUsageError('--bootstrap must be at least 1');

  let datasetRoot = values.dataset;
  if (values.demo) {
    if (datasetRoot !== undefined) throw new CliUsageError('give either --dataset or --demo, not both');
    const { ensureDemo } = await import('../../demo/ensure-demo.ts');
    const { projectRoot } = await import('../../core/project-root.ts');
    const demo = await ensureDemo(projectRoot());
    if (demo.generated)
      process.stderr.write(`generated the demo dataset and models in ${demo.datasetDir} and ${path.dirname(demo.modelFiles[0] ?? demo.datasetDir)}\n`);
    datasetRoot = demo.datasetDir;
    if (predictionFiles.length === 0 && modelFiles.length === 0) modelFiles = [...demo.modelFiles];
  }
  if (datasetRoot === undefined) throw new CliUsageError('posebench eval needs --dataset DIR (or --demo)');
  if (predictionFiles.length === 0 && modelFiles.length === 0) {
    throw new CliUsageError('posebench eval needs --predictions FILE or --model FILE.onnx');
  }
  if (names.length > 0 && names.length !== predictionFiles.length + modelFiles.length) {
    throw new CliUsageError('give one --name per --predictions/--model, in the same order, or none');
  }

  const workbench = openWorkbench({ datasetRoot, dbFile: values.db });
  try {
    for (const warning of workbench.dataset.warnings) process.stderr.write(`warning: ${oneLine(warning.message)}\n`);
    const reports: VariantReport[] = [];
    predictionFiles.forEach((file, index) => {
      const result = importPredictionsVariant(workbench, { file, coordinateBase, protocol, name: names[index] });
      for (const warning of result.warnings) process.stderr.write(`warning: ${oneLine(warning.message)}\n`);
      if (result.action === 'reuse')
        process.stderr.write(`${result.variant.name}: ${path.basename(file)} unchanged since it was imported; its predictions were reused\n`);
      if (result.action === 'replaced')
        process.stderr.write(`${result.variant.name}: ${path.basename(file)} changed since the last import; the earlier predictions stay in the run history\n`);
      reports.push(
        toVariantReport(result.variant.name, result.report, {
          failedInstances: result.missingPredictions,
          maxFailedShare,
          manifest: result.manifest ? { ...result.manifest } : null,
        }),
      );
    });
    let exitCode = 0;
    if (modelFiles.length > 0) {
      const { addModelVariant } = await import('../../workbench/model-variants.ts');
      const { runModelVariants } = await import('../../workbench/run-variants.ts');
      const variantIds: number[] = [];
      for (const [index, file] of modelFiles.entries()) {
        const added = await addModelVariant(workbench, { modelFile: file, name: names[predictionFiles.length + index], decoderOptions });
        const wanted = names[predictionFiles.length + index];
        if (!added.created && wanted !== undefined && wanted !== added.variant.name) {
          process.stderr.write(`${path.basename(file)} is already listed as "${added.variant.name}" with these options; reporting it under that name\n`);
        }
        variantIds.push(added.variant.id);
      }
      const outcome = await runModelVariants(
        workbench,
        { variantIds, protocol, cropCache: values['no-crop-cache'] !== true, latencyRuns, rerun: values.rerun === true },
        (event) => {
          if (event.type === 'planned') {
            for (const planned of event.variants) process.stderr.write(`${planned.name}: ${describePlan(planned.action, planned.toRun, planned.total)}\n`);
          } else if (event.type === 'progress') {
            if (process.stderr.isTTY) printProgress(event.progress);
          } else if (event.type === 'failure' || event.type === 'warning') {
            process.stderr.write(`warning: ${oneLine(event.message)}\n`);
          }
        },
      );
      for (const result of outcome.results) {
        if (result.evaluation === null) {
          process.stderr.write(`error: ${result.variant.name}: ${result.error ?? `run ${result.status}`}\n`);
          exitCode = 1;
          continue;
        }
        reports.push(
          toVariantReport(result.variant.name, result.evaluation.report, {
            latencyMs: result.latency?.medianMs ?? null,
            latency: latencySpread(result.latency),
            failedInstances: result.failedInstances,
            maxFailedShare,
            warnings: result.warnings.map((w) => ({ image: w.image, entry: w.entryIndex, kind: w.kind, message: w.message })),
            manifest: result.manifest ? { ...result.manifest } : null,
          }),
        );
        if (result.warnings.length > 0)
          process.stderr.write(
            `${result.variant.name}: ${result.warnings.length} persons scored on damaged images (listed under "warnings" in --format json)\n`,
          );
      }
    }
    if (values.ci === true && reports.length > 0) {
      // Paired percentile bootstrap over persons (workbench/statistics.ts), on the same runs just reported.
      const { loadStatisticsData, variantStatistics } = await import('../../workbench/statistics.ts');
      const statistics = variantStatistics(loadStatisticsData(workbench, { protocol, names: reports.map((r) => r.variant) }), { replicates, seed });
      for (const [index, report] of reports.entries()) {
        const columns = statistics.variants[index]?.columns ?? [];
        reports[index] = {
          ...report,
          ci: Object.fromEntries(columns.map((c) => [c.name, c.ci])),
          ciSettings: { bootstrap: replicates, seed, confidence: statistics.confidence },
        };
      }
    }
    if (reports.length > 0) process.stdout.write(renderReports(reports, format));
    // A result is unusable when every person failed, or more than the allowed share: say so, exit 1.
    for (const report of reports) {
      const failed = report.failedInstances ?? 0;
      if (failed === 0 || report.instances === 0) continue;
      const share = failed / report.instances;
      if (failed < report.instances && share <= maxFailedShare) continue;
      const why =
        failed === report.instances ? 'every person failed' : `${(100 * share).toFixed(1)} % of persons failed, more than --max-failed-share ${maxFailedShare}`;
      process.stderr.write(
        `error: ${report.variant}: ${failed} of ${report.instances} persons failed (${why}); its numbers are not usable (the reasons are in the warnings above)\n`,
      );
      exitCode = 1;
    }
    return exitCode;
  } finally {
    workbench.close();
  }
}

function renderReports(reports: readonly VariantReport[], format: (typeof FORMATS)[number]): string {
  if (format === 'table') return formatTable(reports);
  if (format === 'csv') return formatCsv(reports);
  // One variant: the object itself (issue 2 item 6); several: {"variants": [...]}.
  const only = reports.length === 1 ? reports[0] : undefined;
  const json = only ? toJsonReport(only) : { variants: reports.map(toJsonReport) };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** --max-failed-share: a share in [0, 1] (default 0.05). */
function shareArgument(value: string | undefined): number {
  if (value === undefined) return 0.05;
  const share = Number(value);
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new CliUsageError(`--max-failed-share must be a number from 0 to 1 (got "${value}")`);
  return share;
}

function describePlan(action: 'new' | 'resume' | 'retry-failed' | 'reuse', toRun: number, total: number): string {
  if (action === 'reuse') return `unchanged since its last run (same model bytes, options, code and runtime); reusing it`;
  if (action === 'retry-failed') return `${toRun} of ${total} persons to run (trying the failed ones again)`;
  if (action === 'resume') return `${toRun} of ${total} persons to run (resuming)`;
  return `${total} persons to run`;
}

function latencySpread(
  latency: LatencyMeasurement | null,
): { n: number; medianMs: number; p5Ms: number | null; p95Ms: number | null; iqrMs: number | null } | null {
  if (latency === null) return null;
  return {
    n: latency.n,
    medianMs: latency.medianMs,
    p5Ms: latency.p5Ms,
    p95Ms: latency.p95Ms,
    iqrMs: latency.p25Ms !== null && latency.p75Ms !== null ? latency.p75Ms - latency.p25Ms : null,
  };
}

function printProgress(progress: PipelineProgress): void {
  const eta = Number.isFinite(progress.etaSeconds) ? `, ETA ${Math.ceil(progress.etaSeconds)} s` : '';
  process.stderr.write(`\r${progress.done}/${progress.total} persons, ${progress.imagesPerSecond.toFixed(1)} images/s${eta}   `);
  if (progress.done === progress.total) process.stderr.write('\n');
}
