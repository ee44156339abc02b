/**
 * `npm start` (bin/start-desktop.js) on a machine that cannot download Electron's binary (this one: no network but the npm
 * registry): it runs Electron's real installer, prints the one-paragraph explanation and serves the UI
 * at a printed URL within 30 s; the test fetches the app's HTML there, then stops the process group.
 *
 * Where github.com resolves (a connected machine), the installer is pointed at a closed local port
 * (ELECTRON_MIRROR) so the test exercises the same offline path instead of downloading 100 MB.
 * Where Electron's binary is installed, npm start would open the real app: skipped, saying so
 * (test/e2e/electron-app.test.ts covers the app there).
 */
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectElectron } from '../../bin/start-desktop/start-flow.ts';
import { tempDir } from '../e2e/e2e-support.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';

const packageJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const files = { readText: (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : null), exists: existsSync };
const electron = inspectElectron(files, path.join(PROJECT_ROOT, 'node_modules', 'electron'));
if (electron.kind === 'present')
  console.warn(`[skip] npm start fallback: Electron's binary is installed here (${electron.executable}), so npm start opens the app.`);

async function githubResolves(): Promise<boolean> {
  try {
    await lookup('github.com');
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(electron.kind === 'present')('npm start without a downloadable Electron', () => {
  it('explains, then serves the UI at the printed URL within 30 s', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      POSEBENCH_HOME: tempDir('posebench-start-home-'),
      electron_config_cache: tempDir('posebench-start-cache-'),
    };
    const offline = !(await githubResolves());
    if (!offline) env['ELECTRON_MIRROR'] = 'http://127.0.0.1:9/';
    const started = Date.now();
    // What `npm start -- --no-open` runs (package.json), without npm's shell in between.
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'start-desktop.js'), '--no-open'], {
      cwd: PROJECT_ROOT,
      env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL within 30 s\nstdout:\n${stdout}\nstderr:\n${stderr}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          const found = /posebench is serving on (\S+)/.exec(stdout)?.[1];
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          }
        });
        child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before serving\nstdout:\n${stdout}\nstderr:\n${stderr}`)));
      });
      const seconds = (Date.now() - started) / 1000;
      console.info(`[npm start] URL after ${seconds.toFixed(1)} s (${offline ? 'offline' : 'mirror forced closed'})`);
      expect(seconds).toBeLessThan(30);

      const paragraph = stderr.split('\n').find((l) => l.includes("Electron's installer could not download it"));
      expect(paragraph, stderr).toBeDefined();
      expect(paragraph).toMatch(offline ? /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/ : /ECONNREFUSED/);
      expect(paragraph).toContain('ELECTRON_MIRROR');
      expect(paragraph).toContain('node node_modules/electron/install.js');
      expect(packageJson.scripts.start).toBe('node bin/start-desktop.js');
      expect(paragraph).toContain('the same UI opens in your browser (posebench serve)');
      expect(stdout).toContain("running Electron's installer (node node_modules/electron/install.js)");

      const response = await fetch(url);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('<title>posebench</title>');
      expect(html).toContain('<div id="root"></div>');
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // The whole tree: the start script, posebench serve and its engine.
        if (process.platform === 'win32') spawn('taskkill', ['/pid', String(child.pid), '/T', '/F']);
        else process.kill(-child.pid!, 'SIGTERM');
        await exited;
      }
    }
  }, 60_000);
});
