/**
 * Issue 2 acceptance: `posebench eval` on the full MPII val annotations gives exactly the published
 * PCKh of five reference prediction sets (json, and .mat where present), bit for bit.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../support/shared-fixtures.ts';
import { runPosebench } from '../support/run-cli.ts';

interface ExpectedEntry {
  readonly coordinate_base: 0 | 1;
  readonly mmpose0x: Record<string, number>;
}

skipWithoutShared('reference PCKh of published MPII predictions');

describe.skipIf(!HAS_SHARED)('posebench eval reproduces published PCKh exactly', () => {
  const predictionsDir = sharedPath('fixtures', 'mpii-predictions');
  const expected = HAS_SHARED ? (JSON.parse(readFileSync(path.join(predictionsDir, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>) : {};
  const workspaceDir = mkdtempSync(path.join(os.tmpdir(), 'posebench-cli-eval-'));
  const cases = Object.entries(expected).flatMap(([name, entry]) =>
    ['json', 'mat'].filter((extension) => existsSync(path.join(predictionsDir, `${name}.${extension}`))).map((extension) => ({ name, extension, entry })),
  );

  it('has all five prediction sets and three .mat files', () => {
    expect(Object.keys(expected)).toHaveLength(5);
    expect(cases.filter((c) => c.extension === 'mat')).toHaveLength(3);
  });

  it.each(cases.map((c) => [`${c.name}.${c.extension}`, c] as const))('%s', async (_label, { name, extension, entry }) => {
    const result = await runPosebench([
      'eval',
      '--dataset',
      sharedPath('fixtures', 'mpii-val'),
      '--predictions',
      path.join(predictionsDir, `${name}.${extension}`),
      '--coordinate-base',
      String(entry.coordinate_base),
      '--format',
      'json',
      '--db',
      path.join(workspaceDir, 'workspace.sqlite'),
    ]);
    expect(result.stderr.includes('Error:') ? result.stderr : '').toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { instances: number; metrics: Record<string, number>; per_joint: unknown[] };
    expect(report.instances).toBe(2958);
    expect(report.per_joint).toHaveLength(16);
    for (const [key, value] of Object.entries(entry.mmpose0x)) {
      expect({ key, value: report.metrics[key] }).toEqual({ key, value });
    }
  });
});
