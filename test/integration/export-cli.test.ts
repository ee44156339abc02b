/** `posebench export` end to end, as a user runs it (child process), on a synthetic dataset folder. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CocoKeypointsFile } from '../../src-main/export/export-coco.ts';
import { readMpiiGtMat } from '../../src-main/formats/mpii-gt-mat.ts';
import { applyCorrection, effectiveAnnotations } from '../../src-main/store/corrections-repo.ts';
import { openWorkbench } from '../../src-main/workbench/workbench.ts';
import { diffPaths, makeTempDir, removeDir, writeSyntheticDataset, type SyntheticDataset } from '../unit/export/export-test-support.ts';
import { runPosebench } from '../support/run-cli.ts';

describe('posebench export', () => {
  let root = '';
  let work = '';
  let home = '';
  let data: SyntheticDataset;
  let db = '';

  beforeAll(async () => {
    root = makeTempDir('cli-ds');
    work = makeTempDir('cli-out');
    home = makeTempDir('cli-home');
    data = await writeSyntheticDataset(root);
    db = path.join(work, 'workspace.sqlite');
  });
  afterAll(() => {
    for (const dir of [root, work, home]) removeDir(dir);
  });

  const cli = (args: string[]) => runPosebench(['export', ...args], { POSEBENCH_HOME: home });

  it('writes mpii-json and prints one line to stderr with the path and counts', async () => {
    const out = path.join(work, 'out.json');
    const result = await cli(['--dataset', root, '--format', 'mpii-json', '--out', out, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`posebench export: wrote mpii-json to ${out} (4 entries, 0 corrected, ${readFileSync(out).length} bytes)\n`);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(data.entries);
  });

  it('uses the default workspace location without --db', async () => {
    const out = path.join(work, 'default-db.coco.json');
    const result = await cli(['--dataset', root, '--format', 'coco', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/wrote coco to .*default-db\.coco\.json \(4 entries, 0 corrected, \d+ bytes\); 1 image\(s\) missing or unreadable/);
    expect(readdirSync(path.join(home, 'workspaces')).some((f) => f.endsWith('.sqlite'))).toBe(true);
    expect((JSON.parse(readFileSync(out, 'utf8')) as CocoKeypointsFile).annotations).toHaveLength(4);
  });

  it('exports the corrections stored in the workspace', async () => {
    const workbench = openWorkbench({ datasetRoot: root, dbFile: db });
    try {
      const instance = effectiveAnnotations(workbench.workspace, workbench.datasetRecord.id).instances[2]!;
      applyCorrection(workbench.workspace, { instanceId: instance.id, kind: 'joint', joint: 6, xy: [10.5, 20.25] });
    } finally {
      workbench.close();
    }
    const out = path.join(work, 'corrected.mat');
    const result = await cli(['--dataset', root, '--format', 'mpii-mat', '--out', out, '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('(4 entries, 1 corrected,');
    const gt = readMpiiGtMat(out);
    const index = (2 * 16 + 6) * 2;
    expect(diffPaths(gt.positions1Based, data.gt.positions1Based)).toEqual([`[${index}]`, `[${index + 1}]`]);
    expect([gt.positions1Based[index], gt.positions1Based[index + 1]]).toEqual([11.5, 21.25]);
  });

  it('refuses an existing --out without --force (exit 1, file untouched), replaces it with --force', async () => {
    const out = path.join(work, 'exists.json');
    writeFileSync(out, 'precious');
    const refused = await cli(['--dataset', root, '--format', 'mpii-json', '--out', out, '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`posebench: ${out}: already exists; choose another path or allow overwriting it (posebench export --force)\n`);
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const forced = await cli(['--dataset', root, '--format', 'mpii-json', '--out', out, '--db', db, '--force']);
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(4);
  });

  it("never replaces the dataset's own annotation json, even with --force", async () => {
    const before = readFileSync(data.jsonFile);
    const result = await cli(['--dataset', root, '--format', 'mpii-json', '--out', data.jsonFile, '--db', db, '--force']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/mpii_val\.json: is one of the dataset's own annotation files/);
    expect(readFileSync(data.jsonFile).equals(before)).toBe(true);
  });

  it('reports usage errors with exit 2: missing flags, unknown format, unknown flag', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'coco', '--out', 'x.json'], /needs --dataset DIR/],
      [['--dataset', root, '--out', 'x.json'], /needs --format mpii-json\|mpii-mat\|coco/],
      [['--dataset', root, '--format', 'coco'], /needs --out FILE/],
      [['--dataset', root, '--format', 'yaml', '--out', 'x'], /--format must be one of mpii-json, mpii-mat, coco \(got "yaml"\)/],
      [['--dataset', root, '--format', 'coco', '--out', 'x', '--overwrite'], /posebench export: Unknown option '--overwrite'/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    expect(existsSync(path.join(process.cwd(), 'x'))).toBe(false);
  });

  it('reports a missing output folder and a missing dataset with exit 1 and no stack trace', async () => {
    const noFolder = await cli(['--dataset', root, '--format', 'coco', '--out', path.join(work, 'missing', 'out.json'), '--db', db]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/^posebench: .*out\.json: the folder .*missing does not exist\n$/);
    const noDataset = await cli(['--dataset', path.join(work, 'no-such-dataset'), '--format', 'coco', '--out', path.join(work, 'o.json'), '--db', db]);
    expect(noDataset.code).toBe(1);
    expect(noDataset.stderr).toMatch(/no-such-dataset: dataset folder does not exist/);
    expect(noDataset.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(work, 'o.json'))).toBe(false);
  });
});
