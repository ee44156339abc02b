import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_STAMP_FILE, ensureDemo } from '../../../src-main/demo/ensure-demo.ts';

const COUNT = 20;

const roots: string[] = [];
function tempRoot(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'posebench-ensure-demo-'));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** relative path → sha256 of every file under `dir`. */
function hashTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const rel = path.join(sub, name);
      if (statSync(path.join(dir, rel)).isDirectory()) walk(rel);
      else
        out.set(
          rel,
          createHash('sha256')
            .update(readFileSync(path.join(dir, rel)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return out;
}

describe('ensureDemo', () => {
  it('is deterministic: two generations into different roots give identical bytes', async () => {
    const a = await ensureDemo(tempRoot(), { count: COUNT });
    const b = await ensureDemo(tempRoot(), { count: COUNT });
    expect(a.generated && b.generated).toBe(true);
    const datasetA = hashTree(a.datasetDir);
    const datasetB = hashTree(b.datasetDir);
    expect(datasetA.size).toBe(COUNT + 3); // images + json + mat + stamp
    expect([...datasetA.keys()]).toContain(path.join('annotations', 'mpii_gt_val.mat'));
    expect(datasetB).toEqual(datasetA);
    const modelsA = hashTree(path.dirname(a.modelFiles[0]!));
    expect(modelsA.size).toBe(8); // 4 models + 4 sidecars
    expect(hashTree(path.dirname(b.modelFiles[0]!))).toEqual(modelsA);
    // Different images really are different (the generator is not stuck on one scene).
    const imageHashes = [...datasetA].filter(([k]) => k.endsWith('.jpg')).map(([, v]) => v);
    expect(new Set(imageHashes).size).toBe(COUNT);
  }, 60_000);

  it('caches: a second call reuses the files; force, a changed stamp, a missing image or another count regenerate', async () => {
    const root = tempRoot();
    const first = await ensureDemo(root, { count: COUNT });
    expect(first.generated).toBe(true);
    expect(first.datasetDir).toBe(path.join(root, 'datasets', 'demo-mpii'));
    expect(first.modelFiles.every((f) => f.startsWith(path.join(root, 'models', 'demo')) && existsSync(f))).toBe(true);
    const stampFile = path.join(first.datasetDir, DEMO_STAMP_FILE);
    const mtime = statSync(stampFile).mtimeMs;

    expect((await ensureDemo(root, { count: COUNT })).generated).toBe(false);
    expect(statSync(stampFile).mtimeMs).toBe(mtime);

    expect((await ensureDemo(root, { count: COUNT, force: true })).generated).toBe(true);

    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { fingerprint: string };
    writeFileSync(stampFile, JSON.stringify({ ...stamp, fingerprint: 'an older generator' }));
    expect((await ensureDemo(root, { count: COUNT })).generated).toBe(true);

    rmSync(path.join(first.datasetDir, 'images', '000000007.jpg'));
    expect((await ensureDemo(root, { count: COUNT })).generated).toBe(true);
    expect(existsSync(path.join(first.datasetDir, 'images', '000000007.jpg'))).toBe(true);

    rmSync(first.modelFiles[2]!.replace(/\.onnx$/, '.json'));
    expect((await ensureDemo(root, { count: COUNT })).generated).toBe(true);

    expect((await ensureDemo(root, { count: COUNT + 1 })).generated).toBe(true);
    expect(readdirSync(path.join(first.datasetDir, 'images'))).toHaveLength(COUNT + 1);
    // No staging leftovers next to the outputs.
    expect(readdirSync(path.join(root, 'datasets'))).toEqual(['demo-mpii']);
    expect(readdirSync(path.join(root, 'models'))).toEqual(['demo']);
  }, 60_000);

  it('rejects a bad count', async () => {
    await expect(ensureDemo(tempRoot(), { count: 0 })).rejects.toThrow(/positive integer/);
    await expect(ensureDemo(tempRoot(), { count: 2.5 })).rejects.toThrow(/positive integer/);
  });
});
