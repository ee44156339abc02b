import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PosebenchInputError, TargetExistsError } from '../../../src-main/core/errors.ts';
import { writeFileAtomic } from '../../../src-main/export/atomic-write.ts';
import { makeTempDir, removeDir } from './export-test-support.ts';

const IS_ROOT = process.getuid?.() === 0;

describe('writeFileAtomic', () => {
  let dir = '';
  beforeEach(() => {
    dir = makeTempDir('atomic');
  });
  afterEach(() => removeDir(dir));

  const target = (): string => path.join(dir, 'out.json');

  it('writes a string, bytes or chunks and reports the size', () => {
    const a = writeFileAtomic(path.join(dir, 'a.txt'), 'héllo');
    expect(a).toEqual({ file: path.join(dir, 'a.txt'), bytes: 6 });
    writeFileAtomic(path.join(dir, 'b.bin'), new Uint8Array([1, 2, 3]));
    const c = writeFileAtomic(path.join(dir, 'c.txt'), ['ab', new Uint8Array([0x63]), 'd']);
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe('héllo');
    expect([...readFileSync(path.join(dir, 'b.bin'))]).toEqual([1, 2, 3]);
    expect(readFileSync(path.join(dir, 'c.txt'), 'utf8')).toBe('abcd');
    expect(c.bytes).toBe(4);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.bin', 'c.txt']);
  });

  it('refuses an existing target without overwrite and leaves it untouched', () => {
    writeFileSync(target(), 'original');
    expect(() => writeFileAtomic(target(), 'new')).toThrow(PosebenchInputError);
    expect(() => writeFileAtomic(target(), 'new')).toThrow(TargetExistsError);
    // The message names the file; each host adds its own remedy (--force, the Overwrite box).
    expect(() => writeFileAtomic(target(), 'new')).toThrow(/out\.json: already exists; choose another path or allow overwriting it$/);
    expect(readFileSync(target(), 'utf8')).toBe('original');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('replaces an existing target with overwrite', () => {
    writeFileSync(target(), 'original');
    writeFileAtomic(target(), 'replacement', { overwrite: true });
    expect(readFileSync(target(), 'utf8')).toBe('replacement');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('leaves nothing behind when producing the content fails half-way (new target)', () => {
    function* failing(): Generator<string> {
      yield '[{"a": 1}, ';
      yield 'x'.repeat(100_000);
      throw new Error('simulated failure while serialising');
    }
    expect(() => writeFileAtomic(target(), failing())).toThrow('simulated failure while serialising');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the old file intact when an overwrite fails half-way', () => {
    writeFileSync(target(), 'original');
    function* failing(): Generator<string> {
      yield 'partial';
      throw new Error('simulated');
    }
    expect(() => writeFileAtomic(target(), failing(), { overwrite: true })).toThrow('simulated');
    expect(readFileSync(target(), 'utf8')).toBe('original');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('does not replace a file that appeared while it was writing (no check-then-rename race)', () => {
    function* racing(): Generator<string> {
      yield 'mine';
      writeFileSync(target(), 'someone else');
      yield ' more';
    }
    expect(() => writeFileAtomic(target(), racing())).toThrow(/already exists/);
    expect(readFileSync(target(), 'utf8')).toBe('someone else');
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('names the problem for a missing folder, a folder as target, and a file as folder', () => {
    expect(() => writeFileAtomic(path.join(dir, 'nope', 'out.json'), 'x')).toThrow(/nope.* does not exist/);
    mkdirSync(path.join(dir, 'sub'));
    expect(() => writeFileAtomic(path.join(dir, 'sub'), 'x', { overwrite: true })).toThrow(/is a folder/);
    writeFileSync(path.join(dir, 'plain'), 'x');
    expect(() => writeFileAtomic(path.join(dir, 'plain', 'out.json'), 'x')).toThrow(/is not a folder/);
    expect(readdirSync(dir).sort()).toEqual(['plain', 'sub']);
  });

  it.skipIf(IS_ROOT)('reports a folder without write permission and leaves no file', () => {
    const locked = path.join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    try {
      expect(() => writeFileAtomic(path.join(locked, 'out.json'), 'x')).toThrow(/cannot write the file \(EACCES: no permission/);
      expect(readdirSync(locked)).toEqual([]);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
  if (IS_ROOT) console.warn('[skip] non-writable folder case: running as root, which can write anywhere; the simulated-failure cases cover cleanup');

  it('writes a relative target path against the working directory', () => {
    const previous = process.cwd();
    process.chdir(dir);
    try {
      const result = writeFileAtomic('relative.txt', 'x');
      expect(result.file).toBe(path.join(process.cwd(), 'relative.txt'));
    } finally {
      process.chdir(previous);
    }
    expect(readFileSync(path.join(dir, 'relative.txt'), 'utf8')).toBe('x');
  });
});
