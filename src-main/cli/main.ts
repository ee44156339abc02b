/**
 * `posebench` command dispatcher. Each command lives in its own module and is imported lazily, so
 * `posebench eval` never loads the web host and `posebench inspect` never opens SQLite.
 * Errors go to stderr with a non-zero exit code (issue 2 item 6).
 */
import { CliUsageError } from './cli-args.ts';
import { TargetExistsError, UserError } from '../core/errors.ts';
import { oneLine } from '../core/printable-excerpt.ts';

const USAGE = `posebench — pose-model workbench (mmpose-exact PCKh, single-thread ONNX inference)

Usage:
  posebench eval (--dataset DIR | --demo) (--predictions FILE [--coordinate-base 0|1] | --model FILE.onnx ...)
                 [--protocol mmpose0x|mmpose1x] [--format table|json|csv] [--db FILE] [--name NAME]
                 [--flip-test | --no-flip-test] [--heatmap-refine shift|dark|none] [--simcc-split-ratio R]
                 [--sigma-is-logit | --no-sigma-is-logit]   decoder options over the model's sidecar
                 [--rerun]                   run again although an identical finished run exists (default: reuse it)
                 [--latency-runs N]          single-thread session.run timings per model (default 50; 0 skips)
                 [--max-failed-share S]      exit 1 when more than this share of a variant's persons failed (default 0.05)
                 [--ci [--bootstrap B] [--seed S]]  95 % paired-bootstrap interval of every column ("ci" in json)
                 [--no-crop-cache]           decode and crop every image again (default: reuse cached crops)
  posebench eval --demo                     every demo model on the embedded demo dataset
  posebench eval --dataset COCO_DIR (--predictions RESULTS.json ... | --model FILE.onnx ... [--bbox-file DETS.json [--bbox-score-thr T]])
                 [--name NAME ...] [--db FILE] [--format table|json|csv] [--no-partition-ap]
                                            COCO keypoints: OKS AP/AR as pycocotools, per-keypoint answers; --model runs
                                            top-down as mmpose (GT boxes, or the person boxes of --bbox-file), OKS-NMS 0.9;
                                            results are kept in the workspace, where the app shows them
  posebench prepare (--dataset DIR | --demo) (--model FILE.onnx ... | --input WxH ...) [--db FILE] [--format table|json]
                                            crop every person ahead of eval: runs then decode no image
  posebench inspect MODEL.onnx [--format json|table]
  posebench bench --model FILE [--runs N] [--warmup N] [--pipeline --dataset DIR] [--format json|table]
  posebench bench --model FILE --dataset DIR --store [--db FILE] [--runs N]
                                            re-measure the workspace variant's latency and keep it in its history
  posebench variants list|history|rename|hide|show|set-options|remove --dataset DIR [--db FILE] ...
  posebench serve [--dataset DIR] [--models DIR] [--port N] [--db FILE]
  posebench export --dataset DIR --format mpii-json|mpii-mat|coco --out FILE [--db FILE] [--force]
  posebench compare --dataset DIR --variant A --variant B [--db FILE] [--protocol mmpose0x|mmpose1x]
                 [--bootstrap B] [--seed S] [--format table|json]
                                            Δ per column with paired-bootstrap intervals, McNemar + Holm
  posebench stats --dataset DIR [--variant NAME ...] [--db FILE] [--protocol P] [--bootstrap B] [--seed S]
                 [--format table|json]      intervals, score calibration and strata per variant
  posebench report --dataset DIR [--variant NAME ...] [--db FILE] [--protocol P] [--ci [--bootstrap B] [--seed S]]
                 --format markdown|latex|csv|html --out FILE
                                            paper-ready tables (MPII toolkit and mmpose layouts); html adds charts
  posebench analyze --dataset DIR [--variant NAME ...] [--db FILE] [--protocol P] [--inversion 0.5] [--swap 0.5] [--jitter 1.0]
                 [--format table|json|csv]  why joints fail: hit/jitter/inversion/swap/miss, PCKh if each were fixed
  posebench qc --dataset DIR [--db FILE] [--variant NAME ...] [--min-predictors N] [--limit N] [--format table|json|csv]
                                            ground-truth review queue: suspect labels from the predictors' agreement
  posebench demo [--force]                  generate the embedded demo dataset and models

Workspace: SQLite in $POSEBENCH_HOME (default: the user data directory), keyed by dataset path; --db overrides.
Crop cache: person crops reused by later runs, in FILE.cache/crops beside --db FILE, else in the data directory;
  POSEBENCH_CROP_CACHE_MB sets its size budget (default 2048, 0 turns it off).
`;

type CommandRunner = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  eval: async () => (await import('./commands/eval-command.ts')).runEvalCommand,
  prepare: async () => (await import('./commands/prepare-command.ts')).runPrepareCommand,
  inspect: async () => (await import('./commands/inspect-command.ts')).runInspectCommand,
  bench: async () => (await import('./commands/bench-command.ts')).runBenchCommand,
  variants: async () => (await import('./commands/variants-command.ts')).runVariantsCommand,
  serve: async () => (await import('./commands/serve-command.ts')).runServeCommand,
  export: async () => (await import('./commands/export-command.ts')).runExportCommand,
  compare: async () => (await import('./commands/compare-command.ts')).runCompareCommand,
  stats: async () => (await import('./commands/stats-command.ts')).runStatsCommand,
  report: async () => (await import('./commands/report-command.ts')).runReportCommand,
  analyze: async () => (await import('./commands/analyze-command.ts')).runAnalyzeCommand,
  qc: async () => (await import('./commands/qc-command.ts')).runQcCommand,
  demo: async () => (await import('./commands/demo-command.ts')).runDemoCommand,
};

export async function runCli(argv: string[]): Promise<number> {
  const [commandName, ...rest] = argv;
  if (commandName === undefined || commandName === '--help' || commandName === '-h' || commandName === 'help') {
    process.stdout.write(USAGE);
    return commandName === undefined ? 1 : 0;
  }
  const loadCommand = COMMANDS[commandName];
  if (loadCommand === undefined) {
    process.stderr.write(`posebench: unknown command "${commandName}"\n\n${USAGE}`);
    return 2;
  }
  try {
    const run = await loadCommand();
    return await run(rest);
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  if (error instanceof CliUsageError) {
    process.stderr.write(`${error.message}\n\nRun "posebench --help" for usage.\n`);
    return 2;
  }
  if (error instanceof TargetExistsError) {
    // The remedy is the CLI's own flag (the app words it as its Overwrite box).
    process.stderr.write(`posebench: ${oneLine(error.message)} (posebench export --force)\n`);
    return 1;
  }
  if (error instanceof UserError) {
    process.stderr.write(`posebench: ${oneLine(error.message)}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`posebench: ${oneLine(message)}\n`);
  if (process.env['POSEBENCH_DEBUG'] && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return 1;
}
