/**
 * Issue 13 item 6 — scale. Goals (reported, never asserted in tests), on generated annotations-only
 * datasets of 25,000 persons (MPII train+val size) and 150,000 persons (COCO keypoints size), with
 * synthetic predictions (the GT plus seeded noise) for 4 variants:
 * - open after the first import: < 2 s (25k) / < 10 s (150k) — `openWorkbench` on a workspace that
 *   already holds the dataset (the first import is timed and reported beside it), and the engine's
 *   open (`createEngineService`: workbench, effective annotations, the 4 variants read and scored) in
 *   a fresh process, as the app's and `serve`'s engine runs (the in-process open is in the note);
 * - PCKh for one variant (`computePckh` with the 51-threshold sweep): < 100 ms / < 500 ms;
 * - storing one variant's predictions (`importPredictionsVariant`: json parsed, hashed, stored,
 *   scored and its per-joint errors stored): < 1 s / < 5 s;
 * - the engine's `metrics:table` for 4 variants: < 200 ms; `failures:list` (worst 200 of one joint):
 *   < 100 ms — through the engine's API in process (createEngineService, as the unit tests drive it);
 * - engine RSS with the 150k workspace open and the 4 variants loaded: < 1.5 GB (a child process
 *   running the engine service, `process.resourceUsage().maxRSS`, after the calls Browse makes);
 * - Browse scroll p95 frame ≤ 16.7 ms over the 150k grid (Chromium via the web host, ui-bench.ts's
 *   machinery; the persons have no images, so the cells show "image missing").
 * `--quick` shrinks the datasets to 5,000 / 30,000 persons (the goal notes say so).
 *
 * Child mode (RSS): node --import tsx test/bench/scale-bench.ts --rss-child DATASET DB CACHE
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseRequest } from '../../src-main/api/request-schemas.ts';
import type { Channel, RequestInput, Response } from '../../src-main/api/contract.ts';
import { projectRoot } from '../../src-main/core/project-root.ts';
import { openDataset } from '../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import type { EngineService } from '../../src-main/engine/engine-server.ts';
import { buildPckhInputs } from '../../src-main/evaluation/pckh.ts';
import { effectiveAnnotations } from '../../src-main/store/corrections-repo.ts';
import { readRunPredictions } from '../../src-main/store/predictions-repo.ts';
import { importPredictionsVariant } from '../../src-main/workbench/import-variant.ts';
import { openWorkbench } from '../../src-main/workbench/workbench.ts';
import { currentRun } from '../../src-main/store/runs-repo.ts';
import { defaultCacheDir } from '../../src-main/store/workspace-path.ts';
import { errorText, goal, note, round, stats, tempDir, type BenchOptions, type Goal } from './bench-util.ts';
import { timePckh } from './pckh-benchmark.ts';
import { perturbedGtPredictions, writeRepeatedDataset } from './synthetic-dataset.ts';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  GRID_SELECTOR,
  VIEWPORT,
  buildRenderer,
  idleFrames,
  installPageProbes,
  openGrid,
  scrollPass,
  type PassPlan,
  type PwChromium,
  type PwContext,
  type ScrollPass,
} from './ui-bench.ts';

const VARIANTS = 4;
/** A wrist (MPII joint 10, r_wrist): the joint Failures is most often asked about. */
const FAILURE_JOINT = 10;
const FAILURE_LIMIT = 200;
const RSS_LIMIT_MB = 1536;
const FRAME_LIMIT_MS = 16.7;
const FRAME_JITTER_MS = 0.5;

interface ScaleSize {
  readonly label: string;
  readonly persons: number;
  readonly openLimitMs: number;
  readonly pckhLimitMs: number;
  readonly storeLimitMs: number;
}

function sizes(quick: boolean): ScaleSize[] {
  return [
    { label: '25k', persons: quick ? 5_000 : 25_000, openLimitMs: 2_000, pckhLimitMs: 100, storeLimitMs: 1_000 },
    { label: '150k', persons: quick ? 30_000 : 150_000, openLimitMs: 10_000, pckhLimitMs: 500, storeLimitMs: 5_000 },
  ];
}

export interface ScaleBenchResult {
  readonly report: Record<string, unknown>;
  readonly goals: Goal[];
}

export async function runScaleBench(options: BenchOptions): Promise<ScaleBenchResult> {
  const demo = await ensureDemo(projectRoot());
  const report: Record<string, unknown> = {
    data: 'the embedded demo persons repeated (one image name each, no image files), gt .mat included; 4 variants = the GT moved by seeded noise',
    ...(options.quick ? { quick: 'sizes shrunk: 5,000 and 30,000 persons instead of 25,000 and 150,000' } : {}),
  };
  const goals: Goal[] = [];
  for (const size of sizes(options.quick)) {
    const temp = tempDir(`scale-${size.label}`);
    try {
      const measured = await measureSize(size, demo.datasetDir, temp.dir, options, size.label === '150k');
      report[size.label] = measured.report;
      goals.push(...measured.goals);
    } catch (error) {
      note(`scale ${size.label} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      report[size.label] = { error: errorText(error) };
    } finally {
      temp.remove();
    }
  }
  return { report, goals };
}

async function measureSize(size: ScaleSize, demoDir: string, tmp: string, options: BenchOptions, largest: boolean): Promise<ScaleBenchResult> {
  const n = size.persons;
  const tag = `${n.toLocaleString('en-US')} persons`;
  const quickNote = options.quick ? `--quick: ${tag}, not the ${size.label} of the goal` : undefined;
  const withQuick = (text?: string): { note?: string } => {
    const parts = [text, quickNote].filter((p): p is string => p !== undefined && p !== '');
    return parts.length > 0 ? { note: parts.join('; ') } : {};
  };

  note(`scale ${size.label}: generating ${tag} (annotations only) and ${VARIANTS} prediction files`);
  const setupStart = performance.now();
  const root = path.join(tmp, `dataset-${size.label}`);
  writeRepeatedDataset({ source: demoDir, out: root, persons: n, images: false });
  const predictionFiles: string[] = [];
  {
    const opened = openDataset(root);
    for (let v = 0; v < VARIANTS; v++) {
      const file = path.join(tmp, `variant-${v + 1}.json`);
      writeFileSync(file, JSON.stringify(perturbedGtPredictions(opened, 0.1 + 0.1 * v, 1000 + v)));
      predictionFiles.push(file);
    }
  }
  const setupSeconds = round((performance.now() - setupStart) / 1000, 1);
  const dbFile = path.join(tmp, 'workspace.sqlite');
  const cacheDir = path.join(tmp, 'cache');
  mkdirSync(cacheDir, { recursive: true });

  // ---- open: the first import, then reopens ----
  note(`scale ${size.label}: openWorkbench (first import, then reopens)`);
  let t0 = performance.now();
  openWorkbench({ datasetRoot: root, dbFile }).close();
  const firstImportMs = performance.now() - t0;
  const reopenMs: number[] = [];
  for (let r = 0; r < (options.quick ? 2 : 3); r++) {
    t0 = performance.now();
    const wb = openWorkbench({ datasetRoot: root, dbFile });
    reopenMs.push(performance.now() - t0);
    wb.close();
  }

  // ---- storing 4 variants' predictions ----
  note(`scale ${size.label}: importPredictionsVariant × ${VARIANTS}`);
  const wb = openWorkbench({ datasetRoot: root, dbFile });
  const importMs: number[] = [];
  let pckhMs: ReturnType<typeof timePckh>;
  let pckhInstances: number;
  try {
    let firstVariantId: number | null = null;
    for (let v = 0; v < VARIANTS; v++) {
      t0 = performance.now();
      const imported = importPredictionsVariant(wb, { file: predictionFiles[v]!, coordinateBase: 0, protocol: 'mmpose0x', name: `noise-${v + 1}` });
      importMs.push(performance.now() - t0);
      firstVariantId ??= imported.variant.id;
    }
    // ---- PCKh for one variant ----
    note(`scale ${size.label}: computePckh`);
    const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
    const variantRun = firstVariantId === null ? undefined : currentRun(wb.workspace, wb.datasetRecord.id, firstVariantId);
    if (variantRun === undefined || truth.gt === null) throw new Error('no stored run for the first variant');
    const predictions = readRunPredictions(wb.workspace, variantRun.id);
    const inputs = buildPckhInputs({ protocol: 'mmpose0x', persons: truth.annotations, gt: truth.gt, predictions0Based: predictions.coords });
    pckhInstances = inputs.instanceCount;
    pckhMs = timePckh(inputs, options.quick ? 5 : 15, 2);
  } finally {
    wb.close();
  }
  const dbMB = round(statSync(dbFile).size / 1024 / 1024, 1);

  // ---- the engine's API, in process ----
  note(`scale ${size.label}: engine service (open with ${VARIANTS} variants, metrics:table, failures:list, instances:list)`);
  const engine = await measureEngine(root, dbFile, cacheDir, options);

  // ---- engine RSS in a child process ----
  note(`scale ${size.label}: engine RSS in a child process`);
  const rss = await measureEngineRss(root, dbFile, cacheDir).catch((error: unknown) => ({ skipped: errorText(error) }));

  // ---- Browse scroll (the largest size only) ----
  let browse: Record<string, unknown> | null = null;
  const browseGoals: Goal[] = [];
  if (largest) {
    note(`scale ${size.label}: Browse scroll over the ${tag} grid`);
    const result = await measureBrowse(root, dbFile, tmp, n, options).catch((error: unknown) => ({ skipped: errorText(error) }));
    browse = result as unknown as Record<string, unknown>;
    if ('skipped' in result) {
      browseGoals.push(goal(`scale ${size.label}: Browse scroll, ${tag}: p95 frame time`, null, 'ms', FRAME_LIMIT_MS, withQuick(result.skipped)));
    } else {
      for (const pass of result.passes) {
        browseGoals.push(
          goal(
            `scale ${size.label}: Browse scroll, ${result.instances} instances, ${pass.label} ${pass.stepPxPerFrame} px/frame: p95 frame time (${pass.frames.n} frames)`,
            pass.frames.p95Ms,
            'ms',
            FRAME_LIMIT_MS,
            {
              tolerance: FRAME_JITTER_MS,
              ...withQuick(
                `${pass.droppedFrames} of ${pass.frames.n} frames dropped (> 25 ms), ${pass.longTasks.length} long tasks; no images: cells show "image missing"; met allows ${FRAME_JITTER_MS} ms timer jitter`,
              ),
            },
          ),
        );
      }
    }
  }

  const reopen = stats(reopenMs);
  const store = stats(importMs);
  const goals: Goal[] = [
    goal(
      `scale ${size.label}: open ${tag} after the first import (openWorkbench, median of ${reopenMs.length})`,
      reopen.medianMs,
      'ms',
      size.openLimitMs,
      withQuick(`first import ${round(firstImportMs)} ms`),
    ),
    // The engine runs in a process of its own in the app and under `posebench serve`: its open is timed
    // in a fresh child process (the RSS child). The in-process open, after this process has generated
    // and imported everything (its heap full, so every GC is slower), is reported beside it.
    'skipped' in rss
      ? goal(`scale ${size.label}: engine open, ${tag} with ${VARIANTS} variants`, null, 'ms', size.openLimitMs, withQuick(rss.skipped))
      : goal(
          `scale ${size.label}: engine open in its own process, ${tag} with ${VARIANTS} variants read and scored (createEngineService)`,
          rss.openMs,
          'ms',
          size.openLimitMs,
          withQuick(`in this process after generating and importing: ${'skipped' in engine ? engine.skipped : `${round(engine.openMs)} ms`}`),
        ),
    goal(
      `scale ${size.label}: PCKh for one variant, ${pckhInstances}×16 (median of ${pckhMs.iterations})`,
      pckhMs.medianMs,
      'ms',
      size.pckhLimitMs,
      withQuick(),
    ),
    goal(
      `scale ${size.label}: store one variant's predictions, ${tag} (importPredictionsVariant, median of ${VARIANTS})`,
      store.medianMs,
      'ms',
      size.storeLimitMs,
      withQuick(`worst ${store.maxMs} ms; json read + sha256 + stored + scored + per-joint errors stored`),
    ),
  ];
  if ('skipped' in engine) {
    goals.push(goal(`scale ${size.label}: metrics:table, ${VARIANTS} variants`, null, 'ms', 200, withQuick(engine.skipped)));
    goals.push(goal(`scale ${size.label}: failures:list, worst ${FAILURE_LIMIT}`, null, 'ms', 100, withQuick(engine.skipped)));
  } else {
    goals.push(
      goal(
        `scale ${size.label}: metrics:table, ${VARIANTS} variants, ${tag} (median of ${engine.metricsTable.n})`,
        engine.metricsTable.medianMs,
        'ms',
        200,
        withQuick(`first call ${engine.metricsTableFirstMs} ms, under mmpose1x first ${engine.metricsTableOtherProtocolFirstMs} ms`),
      ),
    );
    goals.push(
      goal(
        `scale ${size.label}: failures:list, worst ${FAILURE_LIMIT} of one joint, ${tag} (median of ${engine.failuresList.n})`,
        engine.failuresList.medianMs,
        'ms',
        100,
        withQuick(`worst ${engine.failuresList.maxMs} ms`),
      ),
    );
  }
  if (largest) {
    goals.push(
      'skipped' in rss
        ? goal(`scale ${size.label}: engine RSS, ${tag} open with ${VARIANTS} variants`, null, 'MB', RSS_LIMIT_MB, withQuick(rss.skipped))
        : goal(
            `scale ${size.label}: engine peak RSS, ${tag} open with ${VARIANTS} variants (after metrics, failures and Browse's instances:list)`,
            rss.maxRssMB,
            'MB',
            RSS_LIMIT_MB,
            withQuick(`RSS at the end ${rss.rssMB} MB, heap used ${rss.heapUsedMB} MB`),
          ),
    );
  }
  goals.push(...browseGoals);

  return {
    report: {
      persons: n,
      setupSeconds,
      workspaceMB: dbMB,
      open: { firstImportMs: round(firstImportMs), reopen },
      storeVariant: { importMs: importMs.map((t) => round(t)), stats: store },
      pckh: { instances: pckhInstances, medianMs: round(pckhMs.medianMs), minMs: round(pckhMs.minMs), iterations: pckhMs.iterations },
      engine,
      rss,
      ...(browse !== null ? { browse } : {}),
    },
    goals,
  };
}

// ---- the engine in process --------------------------------------------------------------------

interface EngineFigures {
  readonly openMs: number;
  readonly metricsTableFirstMs: number;
  readonly metricsTable: ReturnType<typeof stats>;
  readonly metricsTableOtherProtocolFirstMs: number;
  readonly failuresList: ReturnType<typeof stats>;
  readonly failuresListTotal: number;
  readonly instancesListAll: { ms: number; jsonMB: number; total: number };
  readonly instancesListMissesOfVariant: { ms: number; jsonMB: number; total: number };
}

function caller(service: EngineService) {
  return async <C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> => {
    const handler = service.handlers[channel] as (req: unknown) => Promise<Response<C>>;
    return handler(parseRequest(channel, request));
  };
}

async function measureEngine(root: string, dbFile: string, cacheDir: string, options: BenchOptions): Promise<EngineFigures | { skipped: string }> {
  const { createEngineService } = await import('../../src-main/engine/engine-service.ts');
  let t0 = performance.now();
  const service = await createEngineService(
    { dbPath: dbFile, datasetDir: root, projectRoot: projectRoot(), cacheDir, openDemoByDefault: false },
    () => undefined,
  );
  const openMs = performance.now() - t0;
  try {
    const call = caller(service);
    const variants = await call('variants:list', {});
    if (variants.length < VARIANTS) return { skipped: `the engine lists ${variants.length} variants, expected ${VARIANTS}` };
    const repeats = options.quick ? 5 : 15;
    t0 = performance.now();
    await call('metrics:table', {});
    const metricsTableFirstMs = performance.now() - t0;
    const table: number[] = [];
    for (let i = 0; i < repeats; i++) {
      t0 = performance.now();
      const result = await call('metrics:table', {});
      table.push(performance.now() - t0);
      if (result.rows.length !== VARIANTS) throw new Error(`metrics:table has ${result.rows.length} rows`);
    }
    t0 = performance.now();
    await call('metrics:table', { protocol: 'mmpose1x' });
    const otherProtocolFirstMs = performance.now() - t0;
    const failures: number[] = [];
    let failuresTotal = 0;
    for (let i = 0; i < repeats; i++) {
      const variant = variants[i % VARIANTS]!;
      t0 = performance.now();
      const result = await call('failures:list', { variantId: variant.id, joint: FAILURE_JOINT, offset: 0, limit: FAILURE_LIMIT });
      failures.push(performance.now() - t0);
      failuresTotal = result.total;
    }
    const timedList = async (request: RequestInput<'instances:list'>) => {
      const start = performance.now();
      const result = await call('instances:list', request);
      const ms = performance.now() - start;
      // What the host then sends: the JSON text of the answer.
      const jsonMB = Buffer.byteLength(JSON.stringify(result)) / 1024 / 1024;
      return { ms: round(ms), jsonMB: round(jsonMB, 1), total: result.total };
    };
    const all = await timedList({ outcome: 'all' });
    const misses = await timedList({ variantId: variants[0]!.id, joint: FAILURE_JOINT, outcome: 'miss' });
    return {
      openMs: round(openMs),
      metricsTableFirstMs: round(metricsTableFirstMs),
      metricsTable: stats(table),
      metricsTableOtherProtocolFirstMs: round(otherProtocolFirstMs),
      failuresList: stats(failures),
      failuresListTotal: failuresTotal,
      instancesListAll: all,
      instancesListMissesOfVariant: misses,
    };
  } finally {
    await service.close();
  }
}

// ---- Browse over the large grid (ui-bench.ts's machinery) ------------------------------------------

interface BrowseFigures {
  readonly instances: number;
  readonly columns: number | null;
  readonly hostStartMs: number;
  /** Navigation to Browse → first cells in the grid (instances:list answered, parsed, rendered). */
  readonly firstCellsMs: number;
  readonly idleFrames: ReturnType<typeof stats>;
  readonly passes: ScrollPass[];
  readonly pageErrors: string[];
}

async function measureBrowse(root: string, dbFile: string, tmp: string, persons: number, options: BenchOptions): Promise<BrowseFigures | { skipped: string }> {
  if (!existsSync(CHROMIUM)) return { skipped: `${CHROMIUM} not found (Debian package chromium)` };
  let chromium: PwChromium;
  try {
    chromium = ((await import('playwright-core')) as unknown as { chromium: PwChromium }).chromium;
  } catch (error) {
    return { skipped: `playwright-core cannot be loaded: ${errorText(error)}` };
  }
  const rendererDir = path.join(tmp, 'renderer');
  try {
    await buildRenderer(rendererDir);
  } catch (error) {
    return { skipped: `the renderer does not build: ${errorText(error)}` };
  }
  const { startWebHost } = await import('../../src-main/hosts/web/web-host.ts');
  let t0 = performance.now();
  const host = await startWebHost({ dataset: root, db: dbFile, rendererDir, port: 0, log: (line) => note(`host: ${line}`) });
  const hostStartMs = performance.now() - t0;
  let context: PwContext | undefined;
  const pageErrors: string[] = [];
  try {
    const userDataDir = path.join(tmp, 'chromium-profile');
    mkdirSync(userDataDir, { recursive: true });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      bypassCSP: true,
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && pageErrors.length < 20) pageErrors.push(`console: ${message.text()}`);
    });
    await page.addInitScript('globalThis.__name = globalThis.__name || ((target) => target);');
    await page.addInitScript(installPageProbes, { expectedRows: VARIANTS, tableSelector: 'table[aria-label="PCKh per joint"]', chartSelectors: [] });
    t0 = performance.now();
    const opened = await openGrid(page, host.url);
    // openGrid waits 1.5 s after the first cells (its idle baseline): not part of their arrival.
    const firstCellsMs = performance.now() - t0 - 1500;
    if ('skipped' in opened) return opened;
    if (opened.total !== null && opened.total < persons) return { skipped: `the grid lists ${opened.total} instances, expected ${persons}` };
    const idle = await idleFrames(page);
    const thumbnailCache = path.join(defaultCacheDir(dbFile), 'thumbnails');
    const wheel = options.quick ? 120 : 300;
    const fling = options.quick ? 240 : 1000;
    const plans: PassPlan[] = [
      { label: 'wheel from the top', thumbnails: 'cold', step: 40, frames: wheel, fromTop: false },
      { label: 'fling', thumbnails: 'cold', step: 120, frames: fling, fromTop: false },
    ];
    const passes: ScrollPass[] = [];
    for (const plan of plans) passes.push(await scrollPass(page, plan, thumbnailCache));
    // Deep in the grid: rows around the middle of the 150k (large offsets, rows never seen).
    await page.evaluate(async (selector: string) => {
      const grid = document.querySelector<HTMLElement>(selector);
      if (grid === null) throw new Error(`no ${selector}`);
      grid.scrollTop = Math.floor((grid.scrollHeight - grid.clientHeight) / 2);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }, GRID_SELECTOR);
    passes.push(await scrollPass(page, { label: 'wheel in the middle', thumbnails: 'cold', step: 40, frames: wheel, fromTop: false }, thumbnailCache));
    return {
      instances: opened.total ?? persons,
      columns: opened.columns,
      hostStartMs: round(hostStartMs),
      firstCellsMs: round(firstCellsMs),
      idleFrames: stats(idle),
      passes,
      pageErrors,
    };
  } finally {
    await context?.close().catch(() => undefined);
    await host.close().catch(() => undefined);
  }
}

// ---- engine RSS in a child process ------------------------------------------------------------

interface RssFigures {
  readonly maxRssMB: number;
  readonly rssMB: number;
  readonly heapUsedMB: number;
  readonly openMs: number;
}

async function measureEngineRss(root: string, dbFile: string, cacheDir: string): Promise<RssFigures> {
  const self = fileURLToPath(import.meta.url);
  return new Promise<RssFigures>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', self, '--rss-child', root, dbFile, cacheDir], {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`RSS child exited with ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as RssFigures);
      } catch (error) {
        reject(new Error(`RSS child printed no result: ${errorText(error)}`));
      }
    });
  });
}

/** The child: the engine service on the workspace, the calls the views make, then its peak RSS. */
async function rssChild(root: string, dbFile: string, cacheDir: string): Promise<void> {
  const { createEngineService } = await import('../../src-main/engine/engine-service.ts');
  const t0 = performance.now();
  const service = await createEngineService(
    { dbPath: dbFile, datasetDir: root, projectRoot: projectRoot(), cacheDir, openDemoByDefault: false },
    () => undefined,
  );
  const openMs = performance.now() - t0;
  const call = caller(service);
  const variants = await call('variants:list', {});
  await call('metrics:table', {});
  await call('metrics:curves', {});
  for (const variant of variants) await call('failures:list', { variantId: variant.id, joint: FAILURE_JOINT, offset: 0, limit: FAILURE_LIMIT });
  // Browse: the whole list (no overlay), then with the first variant's overlay; the host serialises each.
  JSON.stringify(await call('instances:list', { outcome: 'all' }));
  if (variants[0] !== undefined) JSON.stringify(await call('instances:list', { variantId: variants[0].id, outcome: 'all' }));
  const memory = process.memoryUsage();
  const figures: RssFigures = {
    maxRssMB: round(process.resourceUsage().maxRSS / 1024, 1),
    rssMB: round(memory.rss / 1024 / 1024, 1),
    heapUsedMB: round(memory.heapUsed / 1024 / 1024, 1),
    openMs: round(openMs),
  };
  await service.close();
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[2] === '--rss-child' && process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root, dbFile, cacheDir] = process.argv.slice(3);
  if (root === undefined || dbFile === undefined || cacheDir === undefined) throw new Error('usage: scale-bench.ts --rss-child DATASET DB CACHE');
  rssChild(root, dbFile, cacheDir).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
