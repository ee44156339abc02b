/**
 * Opening and closing a workspace: one SQLite file (WAL journal) holding everything posebench learns
 * about one dataset folder. The dataset's own files are only ever read.
 *
 * Electron: the main process runs a different Node ABI than the `node` binary, so better-sqlite3's
 * addon must be rebuilt for Electron (`npm run rebuild:electron` puts that build under
 * node_modules/.electron-abi). The Electron host passes its path as `nativeBinding`, or sets the
 * environment variable POSEBENCH_SQLITE_BINDING to it; both go to better-sqlite3's `nativeBinding`
 * option. Without either, better-sqlite3 loads its default build (the one for plain Node).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { PosebenchInputError } from '../core/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations.ts';

export interface Workspace {
  readonly db: Database.Database;
  /** The SQLite file (absolute path). */
  readonly file: string;
  /** Schema versions applied by this open (empty when the file was already current). */
  readonly migrated: readonly number[];
}

export interface OpenWorkspaceOptions {
  /** Path of a better-sqlite3 `.node` addon built for this runtime (Electron). Default: $POSEBENCH_SQLITE_BINDING. */
  readonly nativeBinding?: string;
  /** Environment to read POSEBENCH_SQLITE_BINDING from (tests). Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Migration list (tests of the migration machinery). Default: MIGRATIONS. */
  readonly migrations?: readonly Migration[];
  /** Milliseconds to wait for another process's write lock before failing. Default 5000. */
  readonly busyTimeoutMs?: number;
}

export function openWorkspace(file: string, options: OpenWorkspaceOptions = {}): Workspace {
  const absolute = path.resolve(file);
  mkdirSync(path.dirname(absolute), { recursive: true });
  const env = options.env ?? process.env;
  const nativeBinding = options.nativeBinding ?? (env.POSEBENCH_SQLITE_BINDING || undefined);

  let db: Database.Database;
  try {
    db = new Database(absolute, {
      timeout: options.busyTimeoutMs ?? 5000,
      ...(nativeBinding === undefined ? {} : { nativeBinding }),
    });
  } catch (error) {
    throw new PosebenchInputError({ file: absolute }, `cannot open the workspace: ${messageOf(error)}`);
  }
  try {
    // Reading the journal mode is the first real read: a file that is not SQLite fails here.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`SQLite refused WAL journal mode (got ${String(mode)})`);
    // FULL: every commit is synced to the WAL, so a hand-made correction survives a power cut, not only
    // a killed process. Bulk results are written in one transaction, so this costs one sync per variant.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    const migrated = migrate(db, absolute, options.migrations ?? MIGRATIONS);
    return { db, file: absolute, migrated };
  } catch (error) {
    db.close();
    if (error instanceof PosebenchInputError) throw error;
    throw new PosebenchInputError({ file: absolute }, `not a usable posebench workspace: ${messageOf(error)}`);
  }
}

/** Closes the connection; the WAL is checkpointed into the main file by SQLite on the last close. */
export function closeWorkspace(ws: Workspace): void {
  if (ws.db.open) ws.db.close();
}

export function workspaceSchemaVersion(ws: Workspace): number {
  return schemaVersion(ws.db);
}

export { LATEST_SCHEMA_VERSION };

export function nowIso(): string {
  return new Date().toISOString();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
