/**
 * Writing an export file so that the target is either the complete new file or untouched: the bytes go
 * to a temp file in the target's own folder (same file system, so the final rename is atomic), are
 * fsynced, and only then renamed over the target. Any failure removes the temp file; no partial file
 * is ever left at the target path.
 *
 * An existing target is replaced only with `overwrite: true`. Without it the commit uses link(2),
 * which fails atomically if the target appeared in the meantime (no check-then-rename race); file
 * systems without hard links fall back to check + rename.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsConstants, fsyncSync, linkSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PosebenchInputError, TargetExistsError } from '../core/errors.ts';

export interface AtomicWriteOptions {
  /** Replace an existing file at the target path. Default false: an existing target is an error. */
  readonly overwrite?: boolean;
}

/** Whole content, or chunks produced one by one (e.g. one json entry at a time). */
export type AtomicWriteContent = string | Uint8Array | Iterable<string | Uint8Array>;

export interface AtomicWriteResult {
  /** Absolute path written. */
  readonly file: string;
  readonly bytes: number;
}

function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function chunksOf(content: AtomicWriteContent): Iterable<string | Uint8Array> {
  return typeof content === 'string' || content instanceof Uint8Array ? [content] : content;
}

/** Writes all of `bytes` (writeSync may write less than asked). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

/** Makes the rename durable. Not possible on every platform (Windows cannot open a folder): best effort. */
function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, fsConstants.O_RDONLY);
    fsyncSync(fd);
  } catch {
    // The file itself is synced; only the directory entry's durability is at stake.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function existsError(target: string): PosebenchInputError {
  // Each host words the remedy (--force, the Overwrite box): core/errors.ts TargetExistsError.
  return new TargetExistsError(target);
}

/** Checks the target before anything is written, so the common mistakes fail fast with a clear message. */
function checkTarget(target: string, overwrite: boolean): void {
  const folder = path.dirname(target);
  const folderStat = statSync(folder, { throwIfNoEntry: false });
  if (folderStat === undefined) throw new PosebenchInputError({ file: target }, `the folder ${folder} does not exist`);
  if (!folderStat.isDirectory()) throw new PosebenchInputError({ file: target }, `${folder} is not a folder`);
  const targetStat = statSync(target, { throwIfNoEntry: false });
  if (targetStat?.isDirectory()) throw new PosebenchInputError({ file: target }, 'is a folder; give a file path');
  if (targetStat !== undefined && !overwrite) throw existsError(target);
}

/**
 * Writes `content` to `target` atomically (see the module comment). Throws PosebenchInputError naming
 * the target for file-system problems (missing folder, no permission, target exists, disk full);
 * an error thrown while producing the content is rethrown as is. Either way nothing is left behind.
 */
export function writeFileAtomic(target: string, content: AtomicWriteContent, options: AtomicWriteOptions = {}): AtomicWriteResult {
  const file = path.resolve(target);
  const overwrite = options.overwrite ?? false;
  checkTarget(file, overwrite);

  const folder = path.dirname(file);
  // Hidden, unique, and recognisable if a crash (power loss) ever leaves one behind.
  const temp = path.join(folder, `.${path.basename(file)}.posebench-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  let tempCreated = false;
  let bytes = 0;
  try {
    fd = openSync(temp, 'wx', 0o666);
    tempCreated = true;
    for (const chunk of chunksOf(content)) {
      const data = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      writeAll(fd, data);
      bytes += data.length;
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;

    if (overwrite) {
      renameSync(temp, file);
    } else {
      commitWithoutReplacing(temp, file);
    }
    tempCreated = false;
    fsyncFolder(folder);
    return { file, bytes };
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing; the original error is the one to report.
      }
    }
    if (tempCreated) {
      try {
        unlinkSync(temp);
      } catch {
        // Nothing more can be done; the temp name is hidden and says what it is.
      }
    }
    const code = errnoCode(error);
    if (error instanceof PosebenchInputError || code === undefined) throw error;
    throw new PosebenchInputError({ file }, `cannot write the file (${code}${describeCode(code)})`);
  }
}

/** link(2) refuses to replace an existing name, atomically; the temp name is then removed. */
function commitWithoutReplacing(temp: string, file: string): void {
  try {
    linkSync(temp, file);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw existsError(file);
    // No hard links here (FAT/exFAT, some network shares): check, then rename.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS' || code === 'EMLINK') {
      if (statSync(file, { throwIfNoEntry: false }) !== undefined) throw existsError(file);
      renameSync(temp, file);
      return;
    }
    throw error;
  }
  unlinkSync(temp);
}

function describeCode(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return ': no permission to write in this folder';
    case 'EROFS':
      return ': the file system is read-only';
    case 'ENOSPC':
      return ': the disk is full';
    case 'EDQUOT':
      return ': disk quota exceeded';
    default:
      return '';
  }
}
