/**
 * Model digests (issue 11 item 2): the sha256 of the bytes, taken once per file identity and kept in
 * the workspace; a rewrite of the same size with the mtime put back is still seen (ctime).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPredictionFile } from '../../../src-main/formats/predictions-import.ts';
import { saveFileDigest } from '../../../src-main/store/file-digests-repo.ts';
import { digestFile, digestFileSync, fileIdentity } from '../../../src-main/workbench/file-digest.ts';
import { tempWorkspace } from '../store/store-fixtures.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('file digests', () => {
  it('is the sha256 of the bytes, the same from the streaming and the whole-file reader', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws.dir, 'model.onnx');
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024 + 17, 7));
    const digest = await digestFile(file, ws);
    expect(digest.sha256).toBe(sha256(file));
    expect(digest.bytes).toBe(3 * 1024 * 1024 + 17);
    expect(digestFileSync(file, ws).sha256).toBe(digest.sha256);
  });

  it('hashes the bytes a prediction import read (the same identity as a stat), and reads the file when they may be stale', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws.dir, 'preds.json');
    writeFileSync(file, '{"preds": []}');
    const read = readPredictionFile(file);
    expect(read.stats).not.toBeNull();
    const digest = digestFileSync(file, undefined, read);
    expect(digest.sha256).toBe(sha256(file));
    expect(digest.identity).toEqual(await fileIdentity(file));
    // Bytes without an unchanged fstat are not trusted: the file is read.
    const other = path.join(ws.dir, 'other.json');
    writeFileSync(other, '{"preds": [1]}');
    expect(digestFileSync(other, undefined, { bytes: Buffer.from('not the file'), stats: null }).sha256).toBe(sha256(other));
  });

  it('answers from the workspace for a known file identity without reading the file', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws.dir, 'known.onnx');
    writeFileSync(file, 'bytes');
    // A digest recorded for exactly this identity (as another process would have) is taken as is.
    saveFileDigest(ws, await fileIdentity(file), 'recorded-earlier');
    expect((await digestFile(file, ws)).sha256).toBe('recorded-earlier');
  });

  it('hashes again when the bytes change under the same path, size and mtime', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws.dir, 'swap.onnx');
    writeFileSync(file, 'aaaa');
    const before = await digestFile(file, ws);
    const { atime, mtime } = statSync(file);
    await new Promise((resolve) => setTimeout(resolve, 20));
    writeFileSync(file, 'bbbb');
    utimesSync(file, atime, mtime);
    const after = await digestFile(file, ws);
    expect(after.identity.size).toBe(before.identity.size);
    expect(after.identity.inode).toBe(before.identity.inode);
    expect(after.sha256).toBe(sha256(file));
    expect(after.sha256).not.toBe(before.sha256);
  });
});
