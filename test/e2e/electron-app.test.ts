/**
 * The Electron app through Playwright's Electron driver: runs where the Electron binary exists
 * (`require('electron')` gives a path that exists), skipped with the reason elsewhere. Builds the app
 * (electron-vite) first. Checks: the window opens on the demo, the preload exposes exactly one frozen
 * object, Node is not reachable from the page, the per-joint table renders, images come through the
 * posebench-media:// protocol.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { screenshot, tempDir } from './e2e-support.ts';

function electronBinary(): { path: string | null; why: string } {
  try {
    const resolved = createRequire(import.meta.url)('electron') as unknown;
    if (typeof resolved === 'string' && existsSync(resolved)) return { path: resolved, why: '' };
    return { path: null, why: `require('electron') returned ${JSON.stringify(resolved)}, which does not exist` };
  } catch (error) {
    return { path: null, why: `require('electron') failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

const binary = electronBinary();
if (binary.path === null) console.warn(`[skip] Electron app e2e: the Electron binary is not installed on this machine (${binary.why}).`);

describe.skipIf(binary.path === null)('Electron app', () => {
  it('opens the demo in a secure window with the per-joint table', async () => {
    await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const home = tempDir('posebench-electron-home-');
    const app = await electron.launch({
      executablePath: binary.path!,
      args: [PROJECT_ROOT],
      cwd: PROJECT_ROOT,
      env: { ...process.env, POSEBENCH_HOME: home },
    });
    try {
      const page = await app.firstWindow();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      const surface = await page.evaluate(() => ({
        keys: Object.keys(window.posebench ?? {}).sort(),
        frozen: Object.isFrozen(window.posebench),
        node: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(surface).toEqual({ keys: ['invoke', 'on'], frozen: true, node: 'undefined', process: 'undefined' });
      const table = page.getByRole('table', { name: 'PCKh per joint' });
      await table.locator('tbody tr').first().waitFor({ timeout: 120_000 });
      await page.getByRole('tab', { name: 'Browse' }).click();
      const img = page.locator('.thumb img').first();
      await img.waitFor();
      expect(await img.getAttribute('src')).toMatch(/^posebench-media:\/\/m\//);
      await screenshot(page, 'electron-browse');
      expect(problems).toEqual([]);
    } finally {
      await app.close();
    }
  }, 300_000);
});
