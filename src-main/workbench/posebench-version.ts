/**
 * Which posebench made a number: the package version and, in a git checkout, the commit (and whether
 * the working tree had uncommitted changes to tracked files). Packaged builds have no git: they set
 * POSEBENCH_COMMIT at build time, or report the version alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../core/project-root.ts';

export interface PosebenchVersion {
  readonly version: string;
  readonly commit: string | null;
  /** Uncommitted changes to tracked files at start (null: unknown). */
  readonly dirty: boolean | null;
}

let cached: PosebenchVersion | undefined;

export function posebenchVersion(): PosebenchVersion {
  if (cached !== undefined) return cached;
  const root = projectRoot();
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    // a bundled app without its package.json: the version stays unknown
  }
  const fromEnv = process.env['POSEBENCH_COMMIT'];
  if (fromEnv) {
    cached = { version, commit: fromEnv, dirty: null };
    return cached;
  }
  let commit: string | null = null;
  let dirty: boolean | null = null;
  if (existsSync(path.join(root, '.git'))) {
    const git = (args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    try {
      commit = git(['rev-parse', 'HEAD']);
      dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    } catch {
      // no git on PATH, or not a repository after all
    }
  }
  cached = { version, commit, dirty };
  return cached;
}
