/**
 * Persistent cache of person crops (the uint8 RGB output of the mmpose warp, spec §4.2), shared by
 * every run, model and process that uses the same image, person box and input size.
 *
 * Why: users run many variants over one dataset. The first run decodes each JPEG and warps each
 * person; later runs with the same input size read the ~w·h·3-byte crop instead (no JPEG decode, no
 * warp), so the image worker's work — which competes with the single inference thread for the
 * machine's caches and memory bandwidth — shrinks to a file read and the normalisation.
 *
 * The key is a digest of what determines the crop's bytes exactly: the image file's identity (absolute
 * path, size, mtime in ns, inode), the six numbers of the image → input affine matrix (which already
 * carry the person's centre, scale and the crop convention), the input size and a format version.
 * Any change to the image, the annotation or the crop code therefore gives a new key, never a stale
 * crop. Entries are written atomically (temporary file + rename), so concurrent runs in other
 * processes can share the folder. Eviction removes the least recently used files (by modification
 * time, renewed by reads at most hourly) once the folder exceeds its size budget (pruneCropCache,
 * called at the end of a run and before a preparation).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { AffineMatrix } from '../preprocess/crop-transform.ts';

/** Bump when the bytes a key stands for change (warp arithmetic, decode flags, file layout). */
const CROP_CACHE_FORMAT = 1;
const FILE_SUFFIX = '.rgb';
/** Default size budget of the crop folder; POSEBENCH_CROP_CACHE_MB overrides it, 0 turns the cache off. */
export const DEFAULT_CROP_CACHE_MB = 2048;

/** What identifies the exact bytes of an image file: its path and the stat fields a rewrite changes. */
export interface ImageIdentity {
  readonly file: string;
  readonly text: string;
}

/**
 * Null when the file cannot be stat'ed (the decode then reports why). Blocking, like the reads below:
 * they run in the image worker, whose thread has nothing else to do, and a blocking call avoids the
 * thread-pool hand-off (one more busy thread next to the inference thread on a 2-core machine).
 */
export function imageIdentity(file: string): ImageIdentity | null {
  const absolute = path.resolve(file);
  try {
    const info = statSync(absolute, { bigint: true });
    if (!info.isFile()) return null;
    return { file: absolute, text: `${absolute}\0${info.size}\0${info.mtimeNs}\0${info.ino}` };
  } catch {
    return null;
  }
}

/**
 * A crop read after its file is this old gets its modification time renewed: pruning removes the
 * oldest files first, so crops in use (prepared once, read by every run) stay and unused ones go —
 * least recently used, at the cost of one syscall per crop and hour at most.
 */
const RENEW_AFTER_MS = 60 * 60 * 1000;

/**
 * Reads a cached crop into `into` (exactly its length; blocking, see imageIdentity). False when absent
 * or of another length (a torn or foreign file); `into` may then hold partial data.
 */
export function readCachedCropInto(file: string, into: Uint8Array): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const info = fstatSync(fd);
    if (info.size !== into.byteLength) return false;
    let offset = 0;
    while (offset < into.byteLength) {
      const n = readSync(fd, into, offset, into.byteLength - offset, offset);
      if (n === 0) return false;
      offset += n;
    }
    renewIfOld(file, info);
    return true;
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

export interface CropKeyInput {
  readonly image: ImageIdentity;
  readonly imageToInput: AffineMatrix;
  readonly width: number;
  readonly height: number;
}

export function cropCacheKey({ image, imageToInput, width, height }: CropKeyInput): string {
  const hash = createHash('sha256');
  // Numbers as their shortest round-trip decimal: a different double gives a different key.
  hash.update(`${CROP_CACHE_FORMAT}\0${image.text}\0${width}x${height}\0${imageToInput.map(String).join(',')}`);
  return hash.digest('hex');
}

export function cropCachePath(dir: string, key: string, width: number, height: number): string {
  return path.join(dir, `${width}x${height}`, key.slice(0, 2), `${key}${FILE_SUFFIX}`);
}

/** By path, not descriptor: Windows needs write access to a handle to set its times. */
function renewIfOld(file: string, info: { readonly mtimeMs: number; readonly atime: Date }): void {
  const now = Date.now();
  if (now - info.mtimeMs <= RENEW_AFTER_MS) return;
  try {
    utimesSync(file, info.atime, new Date(now));
  } catch {
    // a read-only cache: pruning order stays by age
  }
}

/** Whether the crop file exists (without reading it); renews its age like a read. */
export function cropCacheHit(file: string): boolean {
  try {
    const info = statSync(file);
    if (!info.isFile()) return false;
    renewIfOld(file, info);
    return true;
  } catch {
    return false;
  }
}

/** The cache file of one person's crop: `transform` is the person's crop transform for `size`. */
export function cropCacheFileFor(
  dir: string,
  image: ImageIdentity,
  transform: { readonly imageToInput: AffineMatrix },
  size: { readonly width: number; readonly height: number },
): string {
  const key = cropCacheKey({ image, imageToInput: transform.imageToInput, width: size.width, height: size.height });
  return cropCachePath(dir, key, size.width, size.height);
}

/** The cached crop in a new buffer, or null (see readCachedCropInto). */
export function readCachedCrop(file: string, bytes: number): Uint8Array | null {
  const into = new Uint8Array(bytes);
  return readCachedCropInto(file, into) ? into : null;
}

/**
 * Writes one crop atomically (temporary file + rename; blocking, see imageIdentity). Best effort: a
 * full disk or a read-only folder costs the next run a decode, not this run its result, so errors are
 * returned, not thrown.
 */
export function writeCachedCrop(file: string, data: Uint8Array): Error | null {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temporary, data);
    renameSync(temporary, file);
    return null;
  } catch (error) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was created (e.g. the folder could not be made)
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The crop folder's budget in bytes from POSEBENCH_CROP_CACHE_MB (0 or negative = cache off). */
export function cropCacheBudgetBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env.POSEBENCH_CROP_CACHE_MB;
  const mb = text === undefined || text.trim() === '' ? DEFAULT_CROP_CACHE_MB : Number(text);
  if (!Number.isFinite(mb)) throw new Error(`POSEBENCH_CROP_CACHE_MB must be a number of megabytes, got "${text ?? ''}"`);
  return Math.max(0, Math.floor(mb * 1024 * 1024));
}

export interface PruneResult {
  readonly files: number;
  readonly bytes: number;
  readonly removedFiles: number;
  readonly removedBytes: number;
}

/**
 * Keeps the folder within `budgetBytes`: when over, removes the least recently used crops until it is at
 * 80 % of the budget (so a run just over the line does not prune again at its end). Leftover
 * temporary files of a killed writer older than a minute are removed too.
 */
export async function pruneCropCache(dir: string, budgetBytes: number): Promise<PruneResult> {
  const entries: { file: string; bytes: number; mtimeMs: number }[] = [];
  let removedFiles = 0;
  let removedBytes = 0;
  const now = Date.now();
  for (const file of await listFiles(dir)) {
    let info;
    try {
      info = await stat(file);
    } catch {
      continue; // removed meanwhile by another process
    }
    if (file.endsWith('.tmp')) {
      if (
        now - info.mtimeMs > 60_000 &&
        (await unlink(file).then(
          () => true,
          () => false,
        ))
      ) {
        removedFiles += 1;
        removedBytes += info.size;
      }
      continue;
    }
    if (file.endsWith(FILE_SUFFIX)) entries.push({ file, bytes: info.size, mtimeMs: info.mtimeMs });
  }
  let bytes = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  let files = entries.length;
  if (bytes > budgetBytes) {
    const target = Math.floor(budgetBytes * 0.8);
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const entry of entries) {
      if (bytes <= target) break;
      if (
        await unlink(entry.file).then(
          () => true,
          () => false,
        )
      ) {
        bytes -= entry.bytes;
        files -= 1;
        removedFiles += 1;
        removedBytes += entry.bytes;
      }
    }
  }
  return { files, bytes, removedFiles, removedBytes };
}

async function listFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  let names;
  try {
    names = await readdir(dir, { withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of names) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

/**
 * The pipeline's `cropCache` option (spread into runModelsOverDataset's options) for a host's cache
 * folder: `{}` when there is no folder or the budget is 0 (POSEBENCH_CROP_CACHE_MB=0 turns it off).
 */
export function cropCacheRunOption(
  cacheDir: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { cropCache?: { readonly dir: string; readonly budgetBytes: number } } {
  const budgetBytes = cropCacheBudgetBytes(env);
  return cacheDir === undefined || budgetBytes <= 0 ? {} : { cropCache: { dir: path.join(cacheDir, 'crops'), budgetBytes } };
}
