/**
 * Issue 4 acceptance: on the embedded demo (no ../shared needed), `posebench eval --demo` evaluates
 * every demo model and the models differ per joint, wrists and ankles hardest.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPosebench } from '../support/run-cli.ts';

interface JsonVariant {
  variant: string;
  instances: number;
  metrics: Record<'Head' | 'Shoulder' | 'Elbow' | 'Wrist' | 'Hip' | 'Knee' | 'Ankle' | 'PCKh' | 'PCKh@0.1', number>;
  per_joint: { name: string; pckh: number }[];
}

describe('posebench eval --demo', () => {
  it('prints one report per demo model (json) with different per-joint numbers', async () => {
    const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-demo-')), 'ws.sqlite');
    const result = await runPosebench(['eval', '--demo', '--format', 'json', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const { variants } = JSON.parse(result.stdout) as { variants: JsonVariant[] };
    expect(variants.map((v) => v.variant).sort()).toEqual(['demo_heatmap_256', 'demo_regression_256', 'demo_rle_256', 'demo_simcc_256']);
    const perJoint = variants.map((v) => v.per_joint.map((joint) => joint.pckh).join(','));
    expect(new Set(perJoint).size).toBe(variants.length);
    for (const variant of variants) {
      expect(variant.instances).toBeGreaterThan(100);
      // The hard joints (wrists, ankles) score below the easy ones (shoulders, hips) for every model.
      const hard = (variant.metrics.Wrist + variant.metrics.Ankle) / 2;
      const easy = (variant.metrics.Shoulder + variant.metrics.Hip) / 2;
      expect(hard, variant.variant).toBeLessThan(easy);
    }
  });

  it('prints the study-style table for every demo model', async () => {
    const db = path.join(mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-demo-table-')), 'ws.sqlite');
    const result = await runPosebench(['eval', '--demo', '--format', 'table', '--db', db]);
    expect(result.code, result.stderr).toBe(0);
    const header = result.stdout.split('\n')[0]!;
    for (const column of ['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'PCKh', 'PCKh@0.1']) expect(header).toContain(column);
    expect(result.stdout.match(/— per joint/g)).toHaveLength(4);
  });
});
