/** The CLI reports bad input on stderr, naming the file and entry, with a non-zero exit code. */
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../support/shared-fixtures.ts';
import { runPosebench } from '../support/run-cli.ts';

const tempDir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-errors-'));

describe('posebench CLI errors', () => {
  it('rejects unknown commands and flags with usage errors', async () => {
    const unknown = await runPosebench(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const badFlag = await runPosebench(['eval', '--dataset', tempDir, '--predictions', 'x.json', '--format', 'yaml']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--format must be one of table, json, csv');
  });

  it('names the folder when it is not a dataset', async () => {
    const result = await runPosebench(['eval', '--dataset', tempDir, '--predictions', 'x.json', '--db', path.join(tempDir, 'ws.sqlite')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(tempDir);
    expect(result.stderr).toMatch(/mpii_val\.json/);
  });
});

skipWithoutShared('CLI errors on real MPII annotations');

describe.skipIf(!HAS_SHARED)('posebench eval with bad predictions on the real val set', () => {
  it('names the predictions file and the entry with a wrong joint count', async () => {
    const source = JSON.parse(readFileSync(sharedPath('fixtures', 'mpii-predictions', 'bearpaw-hg_s1_b1.json'), 'utf8')) as { preds: number[][][] };
    source.preds[17] = source.preds[17]!.slice(0, 15);
    const badFile = path.join(tempDir, 'fifteen-joints.json');
    writeFileSync(badFile, JSON.stringify(source));
    const result = await runPosebench([
      'eval',
      '--dataset',
      sharedPath('fixtures', 'mpii-val'),
      '--predictions',
      badFile,
      '--format',
      'json',
      '--db',
      path.join(tempDir, 'ws-real.sqlite'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('fifteen-joints.json');
    expect(result.stderr).toMatch(/entry 17/);
  });

  it('names the predictions file when the person count differs from the dataset', async () => {
    const dir = path.join(tempDir, 'short');
    mkdirSync(dir, { recursive: true });
    const shortFile = path.join(dir, 'short.json');
    writeFileSync(shortFile, JSON.stringify({ preds: [[...Array(16)].map(() => [1, 2])] }));
    const result = await runPosebench([
      'eval',
      '--dataset',
      sharedPath('fixtures', 'mpii-val'),
      '--predictions',
      shortFile,
      '--db',
      path.join(tempDir, 'ws-real.sqlite'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('short.json');
    expect(result.stderr).toMatch(/2958/);
  });
});
