/**
 * The engine: implements every API channel (ApiHandlers) over the core, in pure Node.
 */
import { UserError } from '../core/errors.ts';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseMediaKey, type ApiHandlers, type Channel, type CropPreparationStatus } from '../api/contract.ts';
import type { EmitEvent, EngineService } from './engine-server.ts';
import type { EngineConfig, ResolvedMedia } from './protocol.ts';
import { isInsideFolder } from '../core/path-safety.ts';
import {
  compareFilter,
  compareScatter,
  compareTable,
  failuresList,
  instanceDetail,
  instancesList,
  metricsCurves,
  metricsTable,
  variantSummary,
} from './queries.ts';
import { applyEdit, exportFromUi, historyOf, instanceGroundTruth, reevaluate, stepHistory } from './corrections.ts';
import { RunManager } from './run-manager.ts';
import { EngineSession } from './session.ts';
import { createBackgroundPriority } from './background/background-priority.ts';
import { createThumbnailService } from './background/thumbnails/thumbnail-service.ts';
import { CropPreparer, type CropPrepareTarget } from './background/crop-preparation/crop-preparer.ts';
import { cropCacheRunOption } from '../inference/runtime/crop-cache.ts';
import type { CropSize } from '../inference/runtime/crop-prepare.ts';
import { openDataset } from '../datasets/open-dataset.ts';
import { getVariant } from '../store/variants-repo.ts';
import { modelVariantIdentity } from '../workbench/run-variants.ts';
import { variantStaleness } from '../workbench/variant-management.ts';
import { variantHandlers } from './variant-handlers.ts';
import { analysisHandlers } from './analysis-handlers.ts';
import { CocoSession } from './coco/coco-session.ts';
import { cocoHandlers } from './coco/coco-handlers.ts';
import { CocoRuns } from './coco/coco-runs.ts';
import { detectCocoDataset } from '../datasets/coco-dataset.ts';
import { rememberLastDataset } from './last-dataset.ts';
import type { WorkspaceState } from '../api/contract.ts';

const IMAGE_TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.bmp': 'image/bmp' };

export async function createEngineService(config: EngineConfig, emit: EmitEvent): Promise<EngineService> {
  const session = new EngineSession(config, emit);
  // A COCO-format keypoint folder (issue 18) is held here instead; at most one of the two is open.
  const coco = new CocoSession(config.dbPath);
  const runs = new RunManager(session, emit);
  // Runs first, then Browse's thumbnails, their pre-generation, crop preparation: one rule.
  const priority = createBackgroundPriority({
    runActive: () => runs.list().some((run) => run.status === 'running'),
    thumbnailPregenRunning: () => thumbnails.pregenStatus().state === 'running',
  });
  const thumbnails = createThumbnailService({ cacheDir: config.cacheDir, session, priority });
  // Crops for the models' input sizes, made ahead: runs then decode no image.
  const crops = new CropPreparer({ cache: cropCacheOrNull(config.cacheDir), mayWork: () => priority.mayPrepareCrops() });
  let cropTargetUpdate: Promise<void> = Promise.resolve();
  const updateCropPreparation = () => {
    cropTargetUpdate = cropTargetUpdate.then(async () => crops.request(await cropPrepareTarget(session))).catch(() => undefined); // preparation is an optimisation: a failure here leaves runs to decode
  };

  const cocoRuns = new CocoRuns(coco, emit, (reason) => emit('workspace:changed', { reason }));
  await openInitialDataset(session, coco, runs, config);
  updateCropPreparation();

  const changed = (reason: string) => {
    emit('workspace:changed', { reason });
    updateCropPreparation();
  };

  const handlers: ApiHandlers = {
    'workspace:get': async () => workspaceState(session, coco),
    'workspace:open': async (req) => {
      if (req.demo) {
        cocoRuns.cancel();
        await cocoRuns.idle();
        await openDemo(session, runs, config);
        coco.close();
      } else if (req.datasetDir !== undefined) {
        const cocoLocation = detectCocoDataset(req.datasetDir);
        if (cocoLocation !== null) {
          // a COCO run's results belong to the dataset being left: stop it first; the folder is then read
          // and checked by the COCO session before it lets go of the open one
          cocoRuns.cancel();
          await cocoRuns.idle();
          const summary = coco.openDataset(cocoLocation);
          runs.cancelAll();
          await runs.idle();
          session.closeDataset();
          rememberLastDataset(config.dbPath, { root: summary.coco?.annotationFile ?? summary.root, isDemo: false });
        } else {
          // Read and check the folder first: a malformed one is reported and leaves the open dataset
          // and its running runs alone. Then stop the runs and wait, so none stores into the new dataset.
          const opened = openDataset(req.datasetDir);
          runs.cancelAll();
          cocoRuns.cancel();
          await Promise.all([runs.idle(), cocoRuns.idle()]);
          session.openDatasetFolder(req.datasetDir, false, opened);
          coco.close();
        }
      } else throw new UserError('bad-request', 'workspace:open needs datasetDir or demo: true');
      changed('dataset opened');
      return workspaceState(session, coco);
    },
    'dataset:summary': async () => coco.open?.summary ?? session.dataset?.summary ?? null,
    'variants:list': async () => {
      await refreshStaleness(session);
      return [...session.variants.values()].map(variantSummary);
    },
    'variants:addModel': async (req) => {
      const added = await runs.addModel(req.modelPath, req.name, req.decoderOptions ?? {});
      if (added.created) changed('model added');
      return added;
    },
    'variants:importPredictions': async (req) => {
      const { variant, action } = session.importPredictionsFile(req.file, req.name, req.coordinateBase ?? 0);
      changed('predictions imported');
      const message =
        action === 'reuse'
          ? `${variant.name}: the file is unchanged since its last import; its numbers are reused`
          : action === 'replaced'
            ? `${variant.name}: the file changed since its last import; its predictions were replaced and scored again`
            : `Imported ${variant.name}`;
      return { ...variantSummary(variant), message };
    },
    ...variantHandlers(session, changed),
    ...analysisHandlers(session, changed),
    ...cocoHandlers(coco, cocoRuns, changed),
    // Metrics-bearing calls: every variant scored under the requested protocol (session.scored*).
    'metrics:table': async (req) => metricsTable(session.dataset, session.dataset ? session.visibleScoredVariants(req.protocol) : [], req.protocol),
    'metrics:curves': async (req) => metricsCurves(session.dataset ? session.visibleScoredVariants(req.protocol) : [], req.variantIds),
    'failures:list': async (req) =>
      failuresList(
        session.requireDataset(),
        session.requireScoredVariant(req.variantId, req.protocol),
        req.joint,
        req.offset,
        req.limit,
        req.errorClass ?? null,
      ),
    'instances:list': async (req) =>
      instancesList(
        session.requireDataset(),
        req.variantId !== undefined ? session.requireScoredVariant(req.variantId, req.protocol) : null,
        req.joint,
        req.outcome,
        req.errorClass ?? null,
      ),
    'instance:get': async (req) =>
      instanceDetail(
        session.requireDataset(),
        req.variantIds.map((id) => session.requireScoredVariant(id, req.protocol)),
        req.instanceIndex,
        req.protocol,
      ),
    'compare:table': async (req) => compareTable(req.variantIds.map((id) => session.requireScoredVariant(id, req.protocol))),
    'compare:scatter': async (req) => compareScatter(session.dataset ? session.visibleScoredVariants(req.protocol) : []),
    'compare:filter': async (req) =>
      compareFilter(session.requireScoredVariant(req.a, req.protocol), session.requireScoredVariant(req.b, req.protocol), req.joint, req.relation),
    'runs:start': async (req) => runs.start(req.variantIds, req.rerun),
    'runs:cancel': async (req) => runs.cancel(req.runId),
    'runs:list': async () => runs.list(),
    'crops:status': async () => cropPreparationStatus(crops),
    'corrections:instance': async (req) => instanceGroundTruth(session, req.instanceIndex),
    'corrections:apply': async (req) => {
      const result = applyEdit(session, req.instanceIndex, req.edit);
      changed('ground truth corrected');
      return result;
    },
    'corrections:undo': async () => {
      const result = stepHistory(session, 'undo');
      if (result.instanceIndex !== null) changed('correction undone');
      return result;
    },
    'corrections:redo': async () => {
      const result = stepHistory(session, 'redo');
      if (result.instanceIndex !== null) changed('correction redone');
      return result;
    },
    'corrections:history': async () => historyOf(session),
    'corrections:reevaluate': async (req) => reevaluate(session, req.protocol),
    'export:annotations': async (req) => exportFromUi(session, req.format, req.outFile, req.overwrite),
  };

  async function resolveMedia(key: string): Promise<ResolvedMedia> {
    const parsed = parseMediaKey(key);
    if (parsed === null) throw new Error('malformed media key');
    const cocoOpen = coco.open;
    if (cocoOpen !== null && parsed.kind === 'image' && parsed.datasetId === cocoOpen.id && cocoOpen.dataset.imagesDir !== null) {
      return imageMedia(cocoOpen.dataset.imagesDir, parsed.relativePath);
    }
    const dataset = session.dataset;
    if (dataset === null || parsed.datasetId !== dataset.id) throw new Error('that dataset is not open');
    if (parsed.kind === 'image') return imageMedia(dataset.imagesDir, parsed.relativePath);
    const out = await thumbnails.forMedia(parsed.index, parsed.size, parsed.overlay);
    return { file: out, root: config.cacheDir, contentType: 'image/jpeg' };
  }

  return {
    handlers: syncedWithStore(handlers, session, coco, changed),
    resolveMedia,
    close: async () => {
      crops.close();
      thumbnails.close();
      runs.cancelAll();
      await runs.idle();
      session.close();
      cocoRuns.cancel();
      await cocoRuns.idle();
      coco.close();
    },
  };
}

/** An image of the open dataset: only files inside its images folder, and only image types. */
function imageMedia(imagesDir: string, relativePath: string): ResolvedMedia {
  const file = path.resolve(imagesDir, relativePath);
  if (!isInsideFolder(file, imagesDir)) throw new Error('outside the dataset folder');
  const type = IMAGE_TYPES[path.extname(file).toLowerCase()];
  if (type === undefined) throw new Error('not an image file');
  return { file, root: imagesDir, contentType: type };
}

function workspaceState(session: EngineSession, coco: CocoSession): WorkspaceState {
  const open = coco.open;
  return open !== null ? { dbPath: open.ws.file, dataset: open.summary } : session.workspaceState();
}

/**
 * Every request first brings the session up to the workspace (session.syncWithStore): what another
 * process stored shows at once, and the views and the analyses read the same runs. A change is
 * announced, so open views refetch.
 */
function syncedWithStore(handlers: ApiHandlers, session: EngineSession, coco: CocoSession, changed: (reason: string) => void): ApiHandlers {
  const wrapped: Partial<Record<Channel, (req: never) => Promise<unknown>>> = {};
  for (const channel of Object.keys(handlers) as Channel[]) {
    const handler = handlers[channel] as (req: never) => Promise<unknown>;
    wrapped[channel] = async (req: never) => {
      // both, always (no short-circuit): each brings its own state up to date
      const mpiiChanged = session.syncWithStore();
      const cocoChanged = coco.syncWithStore();
      if (mpiiChanged || cocoChanged) changed('the workspace changed outside this window');
      return handler(req);
    };
  }
  return wrapped as ApiHandlers;
}

/** The crop cache of runs, or null when off or misconfigured (runs then report the setting's error). */
function cropCacheOrNull(cacheDir: string): { dir: string; budgetBytes: number } | null {
  try {
    return cropCacheRunOption(cacheDir).cropCache ?? null;
  } catch {
    return null;
  }
}

function cropPreparationStatus(crops: CropPreparer): CropPreparationStatus {
  const status = crops.status();
  const progress = status.progress;
  const stoppedBecause =
    progress?.end === 'budget'
      ? 'stopped at the crop cache budget (POSEBENCH_CROP_CACHE_MB)'
      : progress?.end === 'unwritable'
        ? (progress.failures.at(-1) ?? 'crops cannot be written')
        : null;
  const note = status.error ?? stoppedBecause;
  return {
    state: crops.available ? status.state : 'off',
    sizes: status.sizes,
    imagesDone: progress?.imagesDone ?? 0,
    imagesTotal: progress?.imagesTotal ?? 0,
    cropsMade: progress?.cropsMade ?? 0,
    cropsFound: progress?.cropsFound ?? 0,
    failedImages: progress?.failedImages ?? 0,
    note,
  };
}

/** The open dataset and the distinct input sizes of its model variants (unloadable models left out). */
async function cropPrepareTarget(session: EngineSession): Promise<CropPrepareTarget | null> {
  const dataset = session.dataset;
  if (dataset === null) return null;
  const sizes = new Map<string, CropSize>();
  for (const variant of session.variants.values()) {
    if (variant.kind !== 'model') continue;
    try {
      if (variant.storeId === null) continue;
      const { width, height } = (await modelVariantIdentity(session.requireWorkbench(), getVariant(session.requireWs(), variant.storeId))).model.input;
      sizes.set(`${width}x${height}`, { width, height });
    } catch {
      // A model that cannot be inspected: its run reports why.
    }
  }
  const keys = [...sizes.keys()].sort();
  return {
    key: `${dataset.id}|${dataset.imagesDir}|${keys.join(',')}`,
    persons: dataset.persons,
    imagesDir: dataset.imagesDir,
    sizes: keys.map((k) => sizes.get(k) as CropSize),
  };
}

async function openInitialDataset(session: EngineSession, coco: CocoSession, runs: RunManager, config: EngineConfig): Promise<void> {
  const openFolder = (dir: string) => {
    const cocoLocation = detectCocoDataset(dir);
    if (cocoLocation !== null) coco.openDataset(cocoLocation);
    else session.openDatasetFolder(dir, false);
  };
  if (config.datasetDir !== undefined) {
    openFolder(config.datasetDir);
  } else {
    const last = session.lastDataset();
    if (last !== null && !last.isDemo) openFolder(last.root);
    else if (config.openDemoByDefault !== false) await openDemo(session, runs, config);
  }
  if (config.modelsDir !== undefined && session.dataset !== null) {
    const models = readdirSync(config.modelsDir)
      .filter((f) => f.toLowerCase().endsWith('.onnx'))
      .sort();
    for (const file of models) await runs.addModel(path.join(config.modelsDir, file), undefined);
  }
}

/** The demo: synthetic dataset + demo models; models without results are run right away. */
async function openDemo(session: EngineSession, runs: RunManager, config: EngineConfig): Promise<void> {
  const { ensureDemo } = await import('../demo/ensure-demo.ts');
  const demo = await ensureDemo(config.projectRoot);
  runs.cancelAll();
  await runs.idle();
  session.openDatasetFolder(demo.datasetDir, true);
  const pending: string[] = [];
  for (const file of demo.modelFiles) {
    const added = await runs.addModel(file, undefined);
    if (!added.variant.evaluated) pending.push(added.variant.id);
  }
  if (pending.length > 0) runs.start(pending);
}

/**
 * Marks variants whose numbers are not from what would run now (model file replaced, options or
 * versions changed). Model files are hashed only when their identity (size, mtime, inode) changed.
 */
async function refreshStaleness(session: EngineSession): Promise<void> {
  const wb = session.workbench;
  if (wb === null) return;
  for (const variant of session.variants.values()) {
    if (variant.kind !== 'model' || variant.storeId === null || variant.status === 'running') continue;
    variant.stale = await variantStaleness(wb, getVariant(wb.workspace, variant.storeId));
  }
}
