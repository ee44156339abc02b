/**
 * A workbench = one opened dataset folder + its SQLite workspace, with the dataset registered.
 * Every host (CLI, engine process behind the web host or the Electron app) starts here.
 */
import { openDataset, type OpenedDataset } from '../datasets/open-dataset.ts';
import { registerDataset, type DatasetRecord, type RegisterDatasetResult } from '../store/datasets-repo.ts';
import { closeWorkspace, openWorkspace, type Workspace } from '../store/workspace.ts';
import { defaultCacheDir, workspacePathFor } from '../store/workspace-path.ts';

export interface Workbench {
  readonly dataset: OpenedDataset;
  readonly workspace: Workspace;
  readonly datasetRecord: DatasetRecord;
  readonly registration: RegisterDatasetResult;
  /** Rebuildable side files (the crop cache): beside `dbFile` when given, else in the data directory. */
  readonly cacheDir: string;
  close(): void;
}

export interface OpenWorkbenchOptions {
  readonly datasetRoot: string;
  /** Workspace file; default: the user data directory keyed by the dataset path (workspacePathFor). */
  readonly dbFile?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** better-sqlite3 addon built for this runtime (Electron's ABI). */
  readonly nativeBinding?: string | undefined;
  /** The folder already opened (and so validated) by the caller: not read again. */
  readonly opened?: OpenedDataset;
}

export function openWorkbench(options: OpenWorkbenchOptions): Workbench {
  const dataset = options.opened ?? openDataset(options.datasetRoot);
  const env = options.env ?? process.env;
  const dbFile = options.dbFile ?? workspacePathFor(dataset.root, env);
  const workspace = openWorkspace(dbFile, { env, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  try {
    const registration = registerDataset(workspace, dataset);
    return {
      dataset,
      workspace,
      datasetRecord: registration.dataset,
      registration,
      cacheDir: defaultCacheDir(options.dbFile, env),
      close: () => closeWorkspace(workspace),
    };
  } catch (error) {
    closeWorkspace(workspace);
    throw error;
  }
}
