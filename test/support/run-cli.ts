/** Runs the real `posebench` CLI (bin/posebench.js) in a child process, as a user would. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './shared-fixtures.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

let testHome: string | null = null;
/**
 * posebench's data directory for runs that give no --db: one temp folder per test process, so the
 * workspaces `eval` keeps per dataset folder never land in the user's real data directory.
 */
function defaultTestHome(): string {
  testHome ??= mkdtempSync(path.join(os.tmpdir(), 'posebench-test-home-'));
  return testHome;
}

export function runPosebench(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'posebench.js'), ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, POSEBENCH_HOME: process.env['POSEBENCH_HOME'] ?? defaultTestHome(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `posebench eval --predictions FILE --name NAME --coordinate-base 0 --format json` into the workspace
 * named by `workspaceArgs` (`--dataset DIR --db FILE`): the variant is stored, its report returned.
 */
export async function importPredictionsJson<T>(workspaceArgs: readonly string[], file: string, name: string): Promise<T> {
  const result = await runPosebench(['eval', ...workspaceArgs, '--predictions', file, '--name', name, '--coordinate-base', '0', '--format', 'json']);
  if (result.code !== 0) throw new Error(`posebench eval --predictions ${file} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
