/**
 * The Electron app builds here even though Electron's binary cannot be downloaded: electron-vite
 * bundles the main process (with the engine utilityProcess and the image worker), the sandboxed
 * preload and the renderer. The bundles keep the process boundaries: `electron` is imported by the
 * main and preload bundles only, never by the engine or the worker.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';

const run = promisify(execFile);
const importsElectron = (file: string): boolean => /(?:from\s*["']electron["']|require\(["']electron["']\))/.test(readFileSync(file, 'utf8'));

describe('electron-vite build', () => {
  it('bundles main, engine utility, image worker, preload and renderer', async () => {
    const outRoot = mkdtempSync(path.join(os.tmpdir(), 'posebench-electron-build-'));
    await run(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, POSEBENCH_ELECTRON_OUT: outRoot },
      maxBuffer: 16 * 1024 * 1024,
    });
    const file = (...parts: string[]) => path.join(outRoot, ...parts);
    for (const built of [
      file('main', 'index.js'),
      file('main', 'engine-utility.js'),
      file('main', 'image-worker.js'),
      file('main', 'thumbnail-worker.js'),
      file('main', 'crop-prepare-worker.js'),
      file('preload', 'preload.cjs'),
      file('renderer', 'index.html'),
    ]) {
      expect(existsSync(built), built).toBe(true);
    }
    expect(importsElectron(file('main', 'index.js'))).toBe(true);
    expect(importsElectron(file('preload', 'preload.cjs'))).toBe(true);
    expect(importsElectron(file('main', 'image-worker.js'))).toBe(false);
    expect(importsElectron(file('main', 'thumbnail-worker.js'))).toBe(false);
    expect(importsElectron(file('main', 'crop-prepare-worker.js'))).toBe(false);
    const html = readFileSync(file('renderer', 'index.html'), 'utf8');
    expect(html).toMatch(/Content-Security-Policy|<script type="module"/);
  });
});
