/**
 * Reading only regular files. Opening a FIFO (named pipe) for reading blocks until a writer appears
 * (possibly forever: `eval` hung on an image path that was a FIFO), a character device such as
 * /dev/zero never ends, and a directory is no file at all. So input files are opened with O_NONBLOCK
 * (for a FIFO, open(2) then returns at once instead of waiting; for a regular file the flag has no
 * effect, see open(2) "O_NONBLOCK"), checked with fstat on the SAME descriptor (no window between a
 * check and the open), and only read when they are regular files.
 *
 * fs errors (ENOENT, EACCES, …) are thrown as they come, so callers keep their own wording for them;
 * a file that is not regular is a PosebenchInputError naming it.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { PosebenchInputError } from './errors.ts';

/** O_NONBLOCK where the platform has it (not on Windows, which has no FIFOs in the file system). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** "a FIFO (named pipe)", "a directory", … for anything that is not a regular file. */
export function describeFileKind(stats: Pick<Stats, 'isFIFO' | 'isDirectory' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isSymbolicLink'>): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** The PosebenchInputError for a path that exists but is not a regular file. */
export function notRegularFileError(file: string, what: string, stats: Parameters<typeof describeFileKind>[0]): PosebenchInputError {
  return new PosebenchInputError({ file }, `${what} is ${describeFileKind(stats)}, not a regular file: only regular files are read`);
}

/** Reads a whole regular file. `what` names it in the error ("image file", "model sidecar", …). */
export function readRegularFileSync(file: string, what = 'file'): Buffer {
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegularFileError(file, what, stats);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Async readRegularFileSync. With `maxBytes`, a larger file is refused before it is read (its size
 * from the same fstat), so a huge file cannot exhaust memory.
 */
export async function readRegularFile(file: string, what = 'file', options: { readonly maxBytes?: number } = {}): Promise<Buffer> {
  const handle = await open(file, OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegularFileError(file, what, stats);
    if (options.maxBytes !== undefined && stats.size > options.maxBytes) {
      throw new PosebenchInputError({ file }, `${what} is ${stats.size} bytes, more than the ${options.maxBytes}-byte limit: not read`);
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Checks that `file` is a regular file without reading it (for files a library opens by path, such
 * as ONNX Runtime's model loader); returns its size in bytes.
 */
export async function checkRegularFile(file: string, what = 'file'): Promise<number> {
  const handle = await open(file, OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw notRegularFileError(file, what, stats);
    return stats.size;
  } finally {
    await handle.close();
  }
}
