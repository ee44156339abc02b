/**
 * Message protocol between a host (web host, Electron main) and the engine process
 * (a forked Node child under the web host, an Electron utilityProcess in the app).
 * Plain structured-clone-able objects only.
 */
import { UserError } from '../core/errors.ts';
import type { ApiErrorPayload, EventMap, EventName } from '../api/contract.ts';

export interface EngineConfig {
  /** SQLite workspace file given with --db; undefined → one workspace per dataset folder (store/workspace-path.ts). */
  readonly dbPath?: string;
  /** Dataset folder to open at start; undefined → the last one opened, else the demo. */
  readonly datasetDir?: string;
  /** Folder of .onnx models to add as variants at start. */
  readonly modelsDir?: string;
  /** Project root (demo data and models live under it). */
  readonly projectRoot: string;
  /** Where thumbnails are cached. */
  readonly cacheDir: string;
  /** Open the demo when no dataset is given and none was opened before (default true). */
  readonly openDemoByDefault?: boolean;
}

/** What the engine answers when asked to resolve a media key. */
export interface ResolvedMedia {
  readonly file: string;
  /** The folder the file must lie inside (an opened dataset's images folder or the thumbnail cache). */
  readonly root: string;
  readonly contentType: string;
}

export type HostToEngine =
  | { readonly type: 'init'; readonly config: EngineConfig }
  | { readonly type: 'call'; readonly id: number; readonly channel: string; readonly payload: unknown }
  | { readonly type: 'resolveMedia'; readonly id: number; readonly key: string }
  | { readonly type: 'shutdown' };

export type EngineToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'initFailed'; readonly error: ApiErrorPayload }
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: ApiErrorPayload }
  | { readonly type: 'event'; readonly event: EventName; readonly payload: EventMap[EventName] };

export function toErrorPayload(error: unknown): ApiErrorPayload {
  if (error instanceof UserError) return { name: error.name, message: error.message, kind: error.kind };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
