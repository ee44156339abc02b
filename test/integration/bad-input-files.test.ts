/**
 * Malformed dataset folders, prediction files and export targets through the real CLI: each error
 * reaches stderr naming the file (and entry, line/column, variable), exit code 1, no stack, and
 * nothing stored or written is lost or left half-done.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPosebench } from '../support/run-cli.ts';
import {
  goodPredictions,
  makeBadInputDemo,
  makeBrokenDatasets,
  writeBrokenPredictions,
  type BadInputDemo,
  type BrokenDataset,
  type BrokenPredictions,
} from '../support/bad-input-fixtures.ts';

let demo: BadInputDemo;
let brokenDatasets: BrokenDataset[];
let brokenPredictions: BrokenPredictions[];
let goodFile: string;

beforeAll(async () => {
  demo = await makeBadInputDemo('posebench-bad-files-');
  brokenDatasets = makeBrokenDatasets(demo);
  brokenPredictions = writeBrokenPredictions(path.join(demo.root, 'predictions'), demo.datasetDir);
  goodFile = path.join(demo.root, 'predictions', 'good.json');
  writeFileSync(goodFile, JSON.stringify({ preds: goodPredictions(demo.datasetDir) }));
}, 60_000);

function expectCleanError(result: { code: number | null; stdout: string; stderr: string }, file: string, mentions: readonly RegExp[]): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^posebench: /m);
  expect(result.stderr).toContain(file);
  for (const mention of mentions) expect(result.stderr).toMatch(mention);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack of internals
}

describe('malformed dataset folders', () => {
  it('each error names the file and what is wrong in it, and the workspace keeps the good dataset', async () => {
    const db = path.join(demo.root, 'datasets.sqlite');
    const good = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', goodFile, '--format', 'json', '--db', db]);
    expect(good.code, good.stderr).toBe(0);
    for (const broken of brokenDatasets) {
      const result = await runPosebench(['eval', '--dataset', broken.dir, '--predictions', goodFile, '--db', db]);
      expect({ label: broken.label, code: result.code }).toEqual({ label: broken.label, code: 1 });
      expectCleanError(result, broken.file, broken.mentions);
      expect(result.stderr).toContain(broken.dir);
    }
    const again = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', goodFile, '--format', 'json', '--db', db]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(good.stdout));
  }, 120_000);
});

describe('malformed prediction files', () => {
  it('each error names the file and the entry; the variant of the same name keeps its old results', async () => {
    const db = path.join(demo.root, 'predictions.sqlite');
    // The user's predictions file, imported once as variant "mine".
    const mine = path.join(demo.root, 'predictions', 'mine.json');
    copyFileSync(goodFile, mine);
    const first = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', mine, '--name', 'mine', '--format', 'json', '--db', db]);
    expect(first.code, first.stderr).toBe(0);
    const firstReport = JSON.parse(first.stdout) as { metrics: Record<string, number> };
    expect(firstReport.metrics['PCKh']).toBe(100);
    const storedBefore = storedPredictionsOf(db, 'mine');
    expect(storedBefore.length).toBe(10);

    for (const broken of brokenPredictions) {
      // Directly, and as a re-import of "mine" after the file was overwritten with the broken content.
      const direct = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', broken.file, '--db', db]);
      expect({ label: broken.label, code: direct.code }).toEqual({ label: broken.label, code: 1 });
      expectCleanError(direct, path.basename(broken.file), broken.mentions);

      if (broken.file.endsWith('.json')) {
        copyFileSync(broken.file, mine);
        const reimport = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', mine, '--name', 'mine', '--db', db]);
        expectCleanError(
          reimport,
          'mine.json',
          broken.mentions.filter((m) => !/\d persons/.test(m.source)),
        );
        expect(storedPredictionsOf(db, 'mine')).toEqual(storedBefore);
      }
    }
    // No variant was created for any broken file.
    const sqlite = new Database(db, { readonly: true });
    const names = (sqlite.prepare('SELECT name FROM variants ORDER BY id').all() as { name: string }[]).map((row) => row.name);
    sqlite.close();
    expect(names).toEqual(['mine']);

    const unsupported = path.join(demo.root, 'predictions', 'preds.txt');
    writeFileSync(unsupported, '1 2 3');
    const txt = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', unsupported, '--db', db]);
    expectCleanError(txt, 'preds.txt', [/\.json or \.mat/]);
    const missing = await runPosebench(['eval', '--dataset', demo.datasetDir, '--predictions', path.join(demo.root, 'nope.json'), '--db', db]);
    expectCleanError(missing, 'nope.json', [/cannot read/]);
  }, 180_000);
});

function storedPredictionsOf(db: string, variant: string): string[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite
      .prepare(
        `SELECT hex(p.xy_score) AS blob FROM predictions p JOIN runs r ON r.id = p.run_id JOIN variants v ON v.id = r.variant_id
         WHERE v.name = ? AND r.status = 'done' ORDER BY p.instance_id`,
      )
      .all(variant) as { blob: string }[];
    return rows.map((row) => row.blob);
  } finally {
    sqlite.close();
  }
}

describe('export to a bad target', () => {
  it('a missing folder or an existing file without --force is a clear error, and no file is written', async () => {
    const db = path.join(demo.root, 'export.sqlite');
    const outDir = path.join(demo.root, 'exports');
    const missingFolder = path.join(outDir, 'not-there', 'out.json');
    const result = await runPosebench(['export', '--dataset', demo.datasetDir, '--format', 'mpii-json', '--out', missingFolder, '--db', db]);
    expectCleanError(result, missingFolder, [/does not exist/]);
    expect(existsSync(path.dirname(missingFolder))).toBe(false);

    for (const format of ['mpii-json', 'mpii-mat', 'coco'] as const) {
      const existing = path.join(demo.root, `existing-${format}.out`);
      writeFileSync(existing, 'keep me');
      const refused = await runPosebench(['export', '--dataset', demo.datasetDir, '--format', format, '--out', existing, '--db', db]);
      expectCleanError(refused, existing, [/already exists/, /--force/]);
      expect(readFileSync(existing, 'utf8')).toBe('keep me');
    }
    // Nothing half-written next to the targets (atomic writes leave no temp files behind).
    expect(readdirSync(demo.root).filter((name) => /\.tmp|partial|~$/.test(name))).toEqual([]);

    const own = await runPosebench([
      'export',
      '--dataset',
      demo.datasetDir,
      '--format',
      'mpii-json',
      '--out',
      path.join(demo.datasetDir, 'annotations', 'mpii_val.json'),
      '--force',
      '--db',
      db,
    ]);
    expectCleanError(own, 'mpii_val.json', [/own annotation files/]);
    expect(JSON.parse(readFileSync(path.join(demo.datasetDir, 'annotations', 'mpii_val.json'), 'utf8'))).toHaveLength(10);
  }, 120_000);
});
