/**
 * sha256 of a model or prediction file, the part of a run's identity that says which bytes produced
 * its numbers (issue 11: not path or mtime, which survive a replaced file). Hashing streams the file
 * (the engine's event loop stays free for UI requests while a 100 MB model is read) and is done once
 * per file identity: cached in memory and in the workspace by path + size + mtime + ctime + inode, so
 * a changed file (any of them; the ctime catches a same-size rewrite with its mtime put back) is
 * hashed again and an unchanged one never is.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findFileDigest, saveFileDigest, type FileIdentity } from '../store/file-digests-repo.ts';
import type { Workspace } from '../store/workspace.ts';

export interface FileDigest {
  readonly sha256: string;
  readonly bytes: number;
  readonly identity: FileIdentity;
}

const memory = new Map<string, string>();
const keyOf = (identity: FileIdentity) => [identity.path, identity.size, identity.mtimeMs, identity.ctimeMs, identity.inode].join('\u0000');

export async function fileIdentity(file: string): Promise<FileIdentity> {
  const resolved = path.resolve(file);
  return identityOf(resolved, await stat(resolved, { bigint: true }));
}

function identityOf(resolved: string, info: { size: bigint; mtimeNs: bigint; ctimeNs: bigint; ino: bigint }): FileIdentity {
  // Sub-millisecond times matter: a file rewritten within the same millisecond is another version.
  return { path: resolved, size: Number(info.size), mtimeMs: Number(info.mtimeNs) / 1e6, ctimeMs: Number(info.ctimeNs) / 1e6, inode: info.ino.toString() };
}

/** sha256 (hex) of the file's bytes, hashed only when its identity is new to this process and the workspace. */
export async function digestFile(file: string, ws?: Workspace, attempt = 1): Promise<FileDigest> {
  const identity = await fileIdentity(file);
  const key = keyOf(identity);
  let sha256 = memory.get(key) ?? (ws ? findFileDigest(ws, identity) : undefined);
  if (sha256 === undefined) {
    sha256 = await hashStream(identity.path);
    // The file may have changed while it was read: only a digest of an unchanged identity is kept.
    const after = await fileIdentity(identity.path);
    if (keyOf(after) !== key) {
      if (attempt >= 3) throw new Error(`${identity.path}: the file keeps changing while it is read; try again when it is written`);
      return digestFile(file, ws, attempt + 1);
    }
    if (ws) saveFileDigest(ws, identity, sha256);
  }
  memory.set(key, sha256);
  return { sha256, bytes: identity.size, identity };
}

function hashStream(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The same digest read synchronously, for files read whole anyway (imported prediction files are
 * parsed in memory right after): no second pass over a large model. `read`: the file's bytes as the
 * caller read them, with the fstat taken on that descriptor before and after (unchanged while read):
 * the identity is that fstat's and the hash, when needed, is of those bytes — the bytes the caller
 * parsed, not a second read (which a rewrite in between could make another version).
 */
export function digestFileSync(file: string, ws?: Workspace, read?: { bytes: Uint8Array; stats: BigIntStats | null }): FileDigest {
  const resolved = path.resolve(file);
  const readStats = read?.stats ?? null;
  const identity = identityOf(resolved, readStats ?? statSync(resolved, { bigint: true }));
  const key = keyOf(identity);
  let sha256 = memory.get(key) ?? (ws ? findFileDigest(ws, identity) : undefined);
  if (sha256 === undefined) {
    sha256 = createHash('sha256')
      .update(read !== undefined && readStats !== null ? read.bytes : readFileSync(resolved))
      .digest('hex');
    if (ws) saveFileDigest(ws, identity, sha256);
  }
  memory.set(key, sha256);
  return { sha256, bytes: identity.size, identity };
}
