import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listInstances, registerDataset } from '../../../src-main/store/datasets-repo.ts';
import { correctionHistory, correctionLog, effectiveAnnotations, undoCorrection } from '../../../src-main/store/corrections-repo.ts';
import { closeWorkspace, openWorkspace } from '../../../src-main/store/workspace.ts';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';
import { tempDir, writeSyntheticDataset } from './store-fixtures.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'durability-child.ts');

/** Runs the child until it prints `IN-FLIGHT`, then SIGKILLs it (no exit handlers, no close). */
function runChildAndKill(
  file: string,
  instanceId: number,
  count: number,
): Promise<{ stdout: string; signal: NodeJS.Signals | null; walExistedAtKill: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file, String(instanceId), String(count)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let walExistedAtKill = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not reach IN-FLIGHT in time; stdout: ${stdout}; stderr: ${stderr}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('IN-FLIGHT')) {
        walExistedAtKill = existsSync(`${file}-wal`);
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`child exited by itself (code ${code}); stderr: ${stderr}`));
      else resolve({ stdout, signal, walExistedAtKill });
    });
  });
}

describe('durability', () => {
  it('keeps every committed edit when the process holding the workspace is killed mid-session', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'workspace.sqlite');
    const setup = openWorkspace(file);
    const { input } = writeSyntheticDataset(path.join(dir, 'mpii'), 3, 5);
    const { dataset } = registerDataset(setup, input);
    const instanceId = listInstances(setup, dataset.id)[1]!.id;
    closeWorkspace(setup);

    const count = 20;
    const result = await runChildAndKill(file, instanceId, count);
    expect(result.stdout).toContain(`COMMITTED ${count}`);
    expect(result.signal).toBe('SIGKILL');
    // The commits sat in the WAL, never checkpointed by a clean close: reopening must recover them from it.
    expect(result.walExistedAtKill).toBe(true);

    const ws = openWorkspace(file);
    try {
      const log = correctionLog(ws, dataset.id);
      expect(log.map((entry) => entry.note)).toEqual(Array.from({ length: count }, (_, i) => `committed ${i}`));
      expect(log.every((entry) => entry.status === 'active')).toBe(true);
      const person = effectiveAnnotations(ws, dataset.id).annotations[1]!;
      // Joints 0..3 were edited twice (i and i+16): the later edit wins; the uncommitted [-5,-5] is gone.
      expect(person.joints[0]).toEqual([116, 216]);
      expect(person.joints[3]).toEqual([119, 219]);
      expect(person.joints[15]).toEqual([115, 215]);
      expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
      // The history still works after recovery.
      expect(correctionHistory(ws, dataset.id).undoCount).toBe(count);
      expect(undoCorrection(ws, dataset.id)?.note).toBe(`committed ${count - 1}`);
    } finally {
      closeWorkspace(ws);
    }
  });
});
