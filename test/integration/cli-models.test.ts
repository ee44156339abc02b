/**
 * Issue 3 acceptance through the real CLI: EfficientPose RT on the 5 real MPII persons scores PCKh ≥ 85
 * (mmpose crop + plain argmax gives about 89), and `posebench inspect` names every bench model's head
 * type as its manifest does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
      'eval', '--dataset', sharedPath('fixtures', 'mpii'),
      '--model', sharedPath('models', 'real', 'EfficientPoseRT_mpii_224x224.onnx'),
      '--format', 'json', '--db', db,
    ]);
    expect(result.stderr).not.toMatch(/posebench: /);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { instances: number; metrics: Record<string, number>; per_joint: { count: number }[]; latency_median_ms: number };
    expect(report.instances).toBe(5);
    expect(report.metrics.PCKh).toBeGreaterThanOrEqual(85);
    expect(report.per_joint.reduce((sum, joint) => sum + joint.count, 0)).toBeGreaterThan(60);
    expect(report.latency_median_ms).toBeGreaterThan(0);
  });

  it('inspect gives each bench model the head type its manifest names', async () => {
    const manifest = JSON.parse(readFileSync(sharedPath('models', 'bench', 'manifest.json'), 'utf8')) as { file: string; head: string; outputs: Record<string, number[]> }[];
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
