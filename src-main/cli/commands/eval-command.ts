/**
 * posebench eval (--dataset DIR | --demo) (--predictions FILE [--coordinate-base 0|1] | --model FILE.onnx ...)
 *                [--protocol mmpose0x|mmpose1x] [--format table|json|csv] [--db FILE] [--name NAME] [--flip-test]
 *                [--no-crop-cache]
 */
import path from 'node:path';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { formatCsv, formatTable, toJsonReport, type VariantReport } from '../report-format.ts';
import type { PckhProtocol } from '../../core/types.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { importPredictionsVariant } from '../../workbench/import-variant.ts';
import { toVariantReport } from '../variant-report.ts';

const FORMATS = ['table', 'json', 'csv'] as const;
const PROTOCOLS = ['mmpose0x', 'mmpose1x'] as const;

export async function runEvalCommand(argv: string[]): Promise<number> {
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
    'flip-test': { type: 'boolean' },
    'no-crop-cache': { type: 'boolean' },
  });
  const format = oneOf('format', values.format, FORMATS, 'table');
  const protocol: PckhProtocol = oneOf('protocol', values.protocol, PROTOCOLS, 'mmpose0x');
  const coordinateBase = oneOf('coordinate-base', values['coordinate-base'], ['0', '1'], '0') === '1' ? 1 : 0;
  const predictionFiles = values.predictions ?? [];
  let modelFiles = values.model ?? [];
  const names = values.name ?? [];

  let datasetRoot = values.dataset;
  if (values.demo) {
    if (datasetRoot !== undefined) throw new CliUsageError('give either --dataset or --demo, not both');
    const { ensureDemo } = await import('../../demo/ensure-demo.ts');
    const { projectRoot } = await import('../../core/project-root.ts');
    const demo = await ensureDemo(projectRoot());
    if (demo.generated) process.stderr.write(`generated the demo dataset and models in ${demo.datasetDir} and ${path.dirname(demo.modelFiles[0] ?? demo.datasetDir)}\n`);
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
    for (const warning of workbench.dataset.warnings) process.stderr.write(`warning: ${warning.message}\n`);
    const reports: VariantReport[] = [];
    predictionFiles.forEach((file, index) => {
      const result = importPredictionsVariant(workbench, { file, coordinateBase, protocol, name: names[index] });
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning.message}\n`);
      reports.push(toVariantReport(result.variant.name, result.report, { failedInstances: result.missingPredictions }));
    });
    if (modelFiles.length > 0) {
      const { evaluateModelVariants } = await import('../../workbench/model-variants.ts');
      const results = await evaluateModelVariants(workbench, {
        modelFiles,
        names: names.slice(predictionFiles.length),
        protocol,
        flipTest: values['flip-test'] === true,
        cropCache: values['no-crop-cache'] !== true,
        onProgress: process.stderr.isTTY ? printProgress : undefined,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      for (const result of results) {
        reports.push(toVariantReport(result.variant.name, result.report, {
          latencyMs: result.variant.latency?.medianMs ?? null,
          failedInstances: result.failedInstances,
        }));
      }
    }
    process.stdout.write(renderReports(reports, format));
    return 0;
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

function printProgress(progress: { done: number; total: number; imagesPerSecond: number; etaSeconds: number }): void {
  const eta = Number.isFinite(progress.etaSeconds) ? `, ETA ${Math.ceil(progress.etaSeconds)} s` : '';
  process.stderr.write(`\r${progress.done}/${progress.total} persons, ${progress.imagesPerSecond.toFixed(1)} images/s${eta}   `);
  if (progress.done === progress.total) process.stderr.write('\n');
}
