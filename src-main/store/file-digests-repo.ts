/**
 * sha256 of files by file identity (path, size, mtime, ctime, inode): a model is hashed once per
 * version of its bytes, across processes and restarts. Any change to the identity is a rehash. The
 * ctime is there because a rewrite of the same size with the mtime put back (`touch -r`, a copy tool
 * keeping times) leaves path, size, mtime and inode as they were, but the system moves the ctime.
 */
import type { Workspace } from './workspace.ts';

export interface FileIdentity {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /** As a decimal string: inode numbers can exceed 2^53 on some file systems. */
  readonly inode: string;
}

export function findFileDigest(ws: Workspace, identity: FileIdentity): string | undefined {
  const row = ws.db
    .prepare('SELECT sha256 FROM file_digests WHERE path = ? AND size = ? AND mtime_ms = ? AND ctime_ms = ? AND inode = ?')
    .get(identity.path, identity.size, identity.mtimeMs, identity.ctimeMs, identity.inode) as { sha256: string } | undefined;
  return row?.sha256;
}

/** Records a digest, dropping older rows of the same path (their bytes are gone). */
export function saveFileDigest(ws: Workspace, identity: FileIdentity, sha256: string): void {
  ws.db
    .transaction(() => {
      ws.db.prepare('DELETE FROM file_digests WHERE path = ?').run(identity.path);
      ws.db
        .prepare('INSERT INTO file_digests (path, size, mtime_ms, ctime_ms, inode, sha256) VALUES (?, ?, ?, ?, ?, ?)')
        .run(identity.path, identity.size, identity.mtimeMs, identity.ctimeMs, identity.inode, sha256);
    })
    .immediate();
}
