/**
 * The dataset the engine had open last, kept beside the workspace (store/workspace-path.ts) so the
 * app reopens it on the next start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateFileFor } from '../store/workspace-path.ts';

export interface LastDataset {
  readonly root: string;
  readonly isDemo: boolean;
}

/** The last dataset of the workspace `dbPath`, when its folder still exists. */
export function readLastDataset(dbPath: string | undefined): LastDataset | null {
  try {
    const state = JSON.parse(readFileSync(stateFileFor(dbPath), 'utf8')) as { lastDataset?: LastDataset };
    if (state.lastDataset && existsSync(state.lastDataset.root)) return state.lastDataset;
  } catch {
    // no state yet
  }
  return null;
}

export function rememberLastDataset(dbPath: string | undefined, last: LastDataset): void {
  const file = stateFileFor(dbPath);
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ lastDataset: last }, null, 2));
  } catch {
    // best effort: the app still works, it just will not reopen this folder next time
  }
}
