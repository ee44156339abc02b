/**
 * Issue 3 acceptance through the real CLI: EfficientPose RT on the 5 real MPII persons scores PCKh ≥ 85
 * (mmpose crop + plain argmax gives about 89), and `posebench inspect` names every bench model's head
 * type as its manifest does.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../support/shared-fixtures.ts';
import { runPosebench } from '../support/run-cli.ts';

skipWithoutShared('real models and MPII images through the CLI');

describe.skipIf(!HAS_SHARED)('posebench eval --model / inspect on the shared models', () => {
  it('EfficientPose RT scores PCKh >= 85 on the 5 real MPII persons, with latency and per-joint rows', async () => {
    const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-models-')), 'ws.sqlite');
    const result = await runPosebench([
      'eval',
      '--dataset',
      sharedPath('fixtures', 'mpii'),
      '--model',
      sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'),
      '--format',
      'json',
      '--db',
      db,
    ]);
    expect(result.stderr).not.toMatch(/posebench: /);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      instances: number;
      metrics: Record<string, number>;
      per_joint: { count: number }[];
      latency_median_ms: number;
    };
    expect(report.instances).toBe(5);
    expect(report.metrics.PCKh).toBeGreaterThanOrEqual(85);
    expect(report.per_joint.reduce((sum, joint) => sum + joint.count, 0)).toBeGreaterThan(60);
    expect(report.latency_median_ms).toBeGreaterThan(0);
  });

  it('eval keeps the person crops beside --db for later runs; --no-crop-cache decodes and keeps nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-crops-'));
    const args = (db: string) => [
      'eval',
      '--dataset',
      sharedPath('fixtures', 'mpii'),
      '--model',
      sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'),
      '--format',
      'json',
      '--db',
      db,
    ];
    const cached = await runPosebench(args(path.join(dir, 'a.sqlite')));
    expect(cached.code).toBe(0);
    const crops = readdirSync(path.join(dir, 'a.sqlite.cache', 'crops', '224x224'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(crops.map((e) => statSync(path.join(e.parentPath, e.name)).size)).toEqual([1, 2, 3, 4, 5].map(() => 224 * 224 * 3));
    const uncached = await runPosebench([...args(path.join(dir, 'b.sqlite')), '--no-crop-cache']);
    expect(uncached.code).toBe(0);
    expect(existsSync(path.join(dir, 'b.sqlite.cache', 'crops'))).toBe(false);
    const pckh = (stdout: string) => (JSON.parse(stdout) as { metrics: Record<string, number> }).metrics;
    expect(pckh(uncached.stdout)).toEqual(pckh(cached.stdout));
  });

  it('inspect gives each bench model the head type its manifest names', async () => {
    const manifest = JSON.parse(readFileSync(sharedPath('models', 'bench', 'manifest.json'), 'utf8')) as {
      file: string;
      head: string;
      outputs: Record<string, number[]>;
    }[];
    expect(manifest.length).toBeGreaterThanOrEqual(8);
    for (const entry of manifest) {
      const result = await runPosebench(['inspect', sharedPath('models', 'bench', entry.file), '--format', 'json']);
      expect(result.code, result.stderr).toBe(0);
      const info = JSON.parse(result.stdout) as { head: string; outputs: { name: string; shape: number[] }[]; keypoints: string[] };
      expect({ file: entry.file, head: info.head }).toEqual({ file: entry.file, head: entry.head });
      expect(Object.fromEntries(info.outputs.map((output) => [output.name, output.shape]))).toEqual(entry.outputs);
      expect(info.keypoints).toHaveLength(16);
    }
  });
});

describe('posebench inspect on bad input', () => {
  it('a file that is not an ONNX model gives a clear error naming it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-bad-model-'));
    const bad = path.join(dir, 'broken.onnx');
    writeFileSync(bad, 'this is not a protobuf');
    const result = await runPosebench(['inspect', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('broken.onnx');
  });
});
