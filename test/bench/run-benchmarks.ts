/**
 * `npm run bench`: the project's speed and memory goals, measured and reported (never asserted in
 * timed tests). Prints ONE JSON document on stdout:
 *   { environment, core, inference, ui, goals: [{ name, value, unit, limit, met }] }
 * Progress and notes go to stderr. Exit code 0 even when goals are missed (this is a report);
 * non-zero only when the harness itself crashes.
 *
 * Options: --only core,inference,ui,stats,scale,qc,coco (default all)   --quick (smaller run counts, rough numbers)
 *          --seeds N (qc: the goals are means over injection seeds 1..N; default 30, 5 with --quick)
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { USE_SHARED, errorText, note, round, type BenchOptions, type Goal } from './bench-util.ts';

const GROUPS = ['core', 'inference', 'ui', 'stats', 'scale', 'qc', 'coco'] as const;
type Group = (typeof GROUPS)[number];

interface GroupOutcome {
  readonly report: Record<string, unknown>;
  readonly goals: Goal[];
  readonly environment?: unknown;
}

async function runGroup(group: Group, options: BenchOptions): Promise<GroupOutcome> {
  switch (group) {
    case 'core':
      return (await import('./core-bench.ts')).runCoreBench(options);
    case 'inference':
      return (await import('./inference-bench.ts')).runInferenceBench(options);
    case 'ui':
      return (await import('./ui-bench.ts')).runUiBench(options);
    case 'stats':
      return (await import('./stats-bench.ts')).runStatsBench(options);
    case 'scale':
      return (await import('./scale-bench.ts')).runScaleBench(options);
    case 'qc':
      return (await import('./qc-bench.ts')).runQcBench(options);
    case 'coco':
      return (await import('./coco-bench.ts')).runCocoBench(options);
  }
}

function parseOptions(argv: string[]): { groups: Group[]; options: BenchOptions } {
  const { values } = parseArgs({
    args: argv,
    options: { only: { type: 'string' }, quick: { type: 'boolean' }, seeds: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  const requested =
    values.only === undefined
      ? [...GROUPS]
      : values.only
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0);
  const unknown = requested.filter((g) => !(GROUPS as readonly string[]).includes(g));
  if (unknown.length > 0) throw new Error(`--only: unknown group(s) ${unknown.join(', ')}; expected some of ${GROUPS.join(', ')}`);
  const seeds = values.seeds === undefined ? undefined : Number(values.seeds);
  if (seeds !== undefined && (!Number.isInteger(seeds) || seeds < 1)) throw new Error(`--seeds: expected a positive integer, got ${values.seeds}`);
  return { groups: GROUPS.filter((g) => requested.includes(g)), options: { quick: values.quick === true, ...(seeds !== undefined ? { seeds } : {}) } };
}

async function main(): Promise<void> {
  const { groups, options } = parseOptions(process.argv.slice(2));
  const started = performance.now();
  // The machine may be shared: the load average says how much the numbers can be trusted.
  const loadAtStart = os.loadavg().map((l) => round(l, 2));
  const output: Record<string, unknown> = {};
  const goals: Goal[] = [];
  const timings: Record<string, number> = {};
  let inferenceEnvironment: unknown;
  for (const group of groups) {
    note(`== ${group} ==`);
    const groupStart = performance.now();
    try {
      const outcome = await runGroup(group, options);
      output[group] = outcome.report;
      goals.push(...outcome.goals);
      if (outcome.environment !== undefined) inferenceEnvironment = outcome.environment;
    } catch (error) {
      // One broken group must not hide the others' numbers; the error is in the report.
      note(`${group} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      output[group] = { error: errorText(error) };
    }
    timings[group] = round((performance.now() - groupStart) / 1000, 1);
  }
  const cpus = os.cpus();
  const document = {
    environment: {
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      totalMemoryMB: Math.round(os.totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      sharedFixtures: USE_SHARED,
      mode: options.quick ? 'quick' : 'default',
      groups,
      ...(inferenceEnvironment !== undefined ? { inference: inferenceEnvironment } : {}),
      loadAverage: { atStart: loadAtStart, atEnd: os.loadavg().map((l) => round(l, 2)) },
      secondsPerGroup: timings,
      totalSeconds: round((performance.now() - started) / 1000, 1),
      date: new Date().toISOString(),
    },
    ...Object.fromEntries(GROUPS.map((g) => [g, output[g] ?? { skipped: 'not selected (--only)' }])),
    goals,
  };
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  const missed = goals.filter((g) => g.met === false).length;
  const unmeasured = goals.filter((g) => g.met === null).length;
  note(`${goals.length} goals: ${goals.length - missed - unmeasured} met, ${missed} missed, ${unmeasured} not measured`);
}

main().then(
  () => {
    // Workers, sessions or a browser left by a failing group must not keep the process alive.
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`bench crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
