/**
 * Keeps the stored joint errors and metrics rows of each variant's current run at the workspace's
 * GT revision after edits. They are derived data (opening a workspace re-scores from the stored
 * predictions anyway), so bursts of edits are coalesced into one re-score a moment later, and a
 * pending one is done on close.
 */
import type { PckhProtocol } from '../core/types.ts';
import { currentRun } from '../store/runs-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import { evaluateRun } from '../workbench/evaluate-run.ts';
import type { VariantState } from './view-model.ts';

export interface StoredRefreshTarget {
  readonly ws: Workspace;
  readonly datasetStoreId: number;
  readonly protocol: PckhProtocol;
  readonly gtRevision: number;
  readonly variants: Iterable<VariantState>;
}

export class StoredEvaluationRefresh {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** What to re-score (null: nothing open). Read when the refresh runs, not when it is scheduled. */
    private readonly target: () => StoredRefreshTarget | null,
    /** A variant whose stored rows could not be refreshed (the numbers in memory are still current). */
    private readonly onFailure: (variant: VariantState, error: unknown) => void,
  ) {}

  /** Re-scores shortly, coalescing bursts of edits. */
  schedule(delayMs = 250): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.now();
    }, delayMs);
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  /** Re-scores now; returns how many runs were re-scored. */
  now(): number {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const target = this.target();
    if (target === null) return 0;
    let count = 0;
    for (const variant of target.variants) {
      if (variant.storeId === null || variant.status === 'running') continue;
      const run = currentRun(target.ws, target.datasetStoreId, variant.storeId);
      if (!run || run.errorsGtRevision === target.gtRevision) continue;
      try {
        evaluateRun(target.ws, run.id, target.protocol);
        count += 1;
      } catch (error) {
        this.onFailure(variant, error);
      }
    }
    return count;
  }
}
