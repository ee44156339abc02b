/**
 * The variant-management channels (variants:details, rename, setHidden, setOptions, remove,
 * latency:measure) over the workbench's variant management, which the CLI uses too.
 */
import { UserError } from '../core/errors.ts';
import type { ApiHandlers, LatencyHistoryItem, VariantDetails } from '../api/contract.ts';
import type { LatencyMeasurement } from '../store/latency-repo.ts';
import { getVariant } from '../store/variants-repo.ts';
import { decoderOptionsFrom } from '../workbench/run-identity.ts';
import {
  describeRemoval,
  measureVariantLatency,
  removeVariant,
  renameVariantTo,
  setVariantOptions,
  setVariantVisibility,
  variantHistory,
  variantStaleness,
} from '../workbench/variant-management.ts';
import { inspectModelCached } from '../workbench/model-variants.ts';
import { digestFile } from '../workbench/file-digest.ts';
import { variantSummary } from './queries.ts';
import type { EngineSession } from './session.ts';
import type { VariantState } from './view-model.ts';

type VariantChannels = 'variants:details' | 'variants:rename' | 'variants:setHidden' | 'variants:setOptions' | 'variants:remove' | 'latency:measure';

export function variantHandlers(session: EngineSession, changed: (reason: string) => void): Pick<ApiHandlers, VariantChannels> {
  const stored = (id: string): { variant: VariantState; storeId: number } => {
    const variant = session.requireVariant(id);
    if (variant.storeId === null) throw new UserError('not-found', `variant "${variant.name}" is not stored in the workspace`);
    return { variant, storeId: variant.storeId };
  };
  const idle = (variant: VariantState, what: string) => {
    if (variant.status === 'running') throw new UserError('conflict', `"${variant.name}" is running: cancel its run before you ${what}`);
  };
  return {
    'variants:details': async (req) => {
      const { storeId } = stored(req.variantId);
      const wb = session.requireWorkbench();
      const history = variantHistory(wb, storeId);
      const variant = session.requireVariant(req.variantId);
      variant.stale = await variantStaleness(wb, history.variant);
      let sidecarDecoder: Record<string, unknown> | null = null;
      if (history.variant.kind === 'model') {
        try {
          const digest = await digestFile(history.variant.sourcePath, wb.workspace);
          sidecarDecoder = { ...(await inspectModelCached(history.variant.sourcePath, digest.sha256)).decoder };
        } catch {
          sidecarDecoder = null; // the model cannot be read now: staleness says why
        }
      }
      const details: VariantDetails = {
        variant: variantSummary(variant),
        decoderOptions: decoderOptionsFrom(history.variant.decoderOptions),
        sidecarDecoder,
        head: history.variant.headType,
        runs: history.runs.map(({ run, manifest, current, failures, warnings }) => ({
          runId: run.id,
          status: run.status,
          total: run.total,
          createdAt: run.createdAt,
          finishedAt: run.finishedAt,
          current,
          error: run.error,
          manifest,
          failures: failures.slice(0, 50).map((f) => f.reason),
          failureCount: failures.length,
          warnings: warnings.slice(0, 50).map((w) => w.message),
          warningCount: warnings.length,
        })),
        latencyHistory: history.latency.map(latencyItem),
        removes: history.footprint,
      };
      return details;
    },
    'variants:rename': async (req) => {
      const { storeId } = stored(req.variantId);
      renameVariantTo(session.requireWorkbench(), storeId, req.name);
      const variant = session.requireVariant(req.variantId);
      variant.name = req.name.trim();
      changed('variant renamed');
      return variantSummary(variant);
    },
    'variants:setHidden': async (req) => {
      const { storeId } = stored(req.variantId);
      setVariantVisibility(session.requireWorkbench(), storeId, req.hidden);
      const variant = session.requireVariant(req.variantId);
      variant.hidden = req.hidden;
      changed(req.hidden ? 'variant hidden' : 'variant shown');
      return variantSummary(variant);
    },
    'variants:setOptions': async (req) => {
      const { variant: before, storeId } = stored(req.variantId);
      idle(before, 'change its options');
      const wb = session.requireWorkbench();
      setVariantOptions(wb, storeId, req.decoderOptions);
      const variant = session.reloadVariant(storeId);
      variant.stale = await variantStaleness(wb, getVariant(wb.workspace, storeId));
      changed('variant options changed');
      return variantSummary(variant);
    },
    'variants:remove': async (req) => {
      const { variant, storeId } = stored(req.variantId);
      idle(variant, 'remove it');
      const removed = removeVariant(session.requireWorkbench(), storeId);
      session.variants.delete(req.variantId);
      changed('variant removed');
      return { removed: req.variantId, message: describeRemoval(removed) };
    },
    'latency:measure': async (req) => {
      const { variant, storeId } = stored(req.variantId);
      idle(variant, 'time it');
      const measurement = await measureVariantLatency(session.requireWorkbench(), storeId, req.runs);
      session.reloadVariant(storeId);
      changed('latency measured');
      return latencyItem(measurement);
    },
  };
}

function latencyItem(m: LatencyMeasurement): LatencyHistoryItem {
  return {
    medianMs: m.medianMs,
    p5Ms: m.p5Ms,
    p25Ms: m.p25Ms,
    p75Ms: m.p75Ms,
    p95Ms: m.p95Ms,
    n: m.n,
    measuredAt: m.measuredAt,
    runId: m.runId,
    modelSha256: m.modelSha256,
    environment: m.environment,
  };
}
