/**
 * Where a dataset's default workspace lives: one SQLite file per dataset folder, in the user's data
 * directory, so opening the same folder again finds its runs and corrections (the dataset folder
 * itself is never written to). `--db FILE` overrides this; the caller passes that path instead.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type EnvLike = Readonly<Record<string, string | undefined>>;

export interface PlatformContext {
  readonly platform: NodeJS.Platform;
  readonly homedir: string;
}

const currentPlatform = (): PlatformContext => ({ platform: process.platform, homedir: os.homedir() });

/**
 * posebench's data directory: POSEBENCH_HOME, else the platform's per-user data directory
 * ($XDG_DATA_HOME or ~/.local/share on Linux, ~/Library/Application Support on macOS, %APPDATA% on Windows).
 */
export function posebenchDataHome(env: EnvLike = process.env, context: PlatformContext = currentPlatform()): string {
  const explicit = env.POSEBENCH_HOME;
  if (explicit) return path.resolve(explicit);
  const { platform, homedir } = context;
  if (platform === 'darwin') return path.join(homedir, 'Library', 'Application Support', 'posebench');
  if (platform === 'win32') {
    const appData = env.APPDATA ?? path.join(homedir, 'AppData', 'Roaming');
    return path.join(appData, 'posebench');
  }
  // XDG base directory spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'posebench');
  return path.join(homedir, '.local', 'share', 'posebench');
}

/**
 * Where side files that can be rebuilt live (thumbnails, the crop cache): next to an explicit
 * workspace file (`--db FILE` → FILE.cache, so tests stay in their temp folder), else in posebench's
 * data directory.
 */
export function defaultCacheDir(dbPath: string | undefined, env: EnvLike = process.env): string {
  return dbPath !== undefined ? `${dbPath}.cache` : path.join(posebenchDataHome(env), 'cache');
}

/** Canonical form of a dataset folder: its realpath when it exists, else the absolute path. */
export function canonicalDatasetRoot(datasetRoot: string): string {
  const absolute = path.resolve(datasetRoot);
  try {
    return realpathSync.native(absolute);
  } catch {
    return absolute;
  }
}

/** A short readable file-name part from the folder name: lower-case ASCII letters, digits and dashes. */
export function workspaceSlug(datasetRoot: string): string {
  const slug = path
    .basename(datasetRoot)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // drop the accents NFKD split off: "Été" → "ete"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug === '' ? 'dataset' : slug;
}

/**
 * `<data home>/workspaces/<slug>-<first 16 hex of sha256(realpath)>.sqlite`.
 * The hash keys the file by the folder's real location (two folders with the same name never share a
 * workspace; a symlink and its target do); the slug only makes the file recognisable.
 */
export function workspacePathFor(datasetRoot: string, env: EnvLike = process.env, context: PlatformContext = currentPlatform()): string {
  const real = canonicalDatasetRoot(datasetRoot);
  const digest = createHash('sha256').update(real, 'utf8').digest('hex').slice(0, 16);
  return path.join(posebenchDataHome(env, context), 'workspaces', `${workspaceSlug(real)}-${digest}.sqlite`);
}

/**
 * The engine's small state file (the last dataset opened): next to `--db FILE` when given (tests stay
 * in their temp folder), else in posebench's data directory.
 */
export function stateFileFor(dbPath: string | undefined): string {
  return dbPath !== undefined ? `${dbPath}.state.json` : path.join(posebenchDataHome(), 'state.json');
}
