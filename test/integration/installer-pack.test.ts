/**
 * electron-builder.yml packed for real, as far as this machine allows: electron-vite builds the app
 * into a temporary folder, then electron-builder packs the project's production node_modules and that
 * build into an unpacked Linux app ("dir" target), with a stand-in for Electron's binary (electronDist:
 * it cannot be downloaded here) and for the Electron build of better-sqlite3. The installers themselves
 * (AppImage, deb, dmg, nsis) need downloads and their own OS: .github/workflows/desktop.yml builds them.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify, parse } from 'yaml';
import { tempDir } from '../e2e/e2e-support.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';

const linux = process.platform === 'linux';
if (!linux) console.warn(`[skip] installer pack: the stand-in Electron is Linux's layout; ${process.platform} builds its installer in CI.`);

describe.skipIf(!linux)('electron-builder.yml packed into a folder', () => {
  it('puts the bundles in app.asar, native modules beside it, SQLite for Electron in resources, and no demo or sources', async () => {
    const tmp = tempDir('posebench-pack-');
    const out = path.join(tmp, 'out');
    await promisify(execFile)(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, POSEBENCH_ELECTRON_OUT: out },
      maxBuffer: 16 * 1024 * 1024,
    });

    const electronDist = path.join(tmp, 'electron-dist');
    mkdirSync(electronDist);
    writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    const binding = path.join(tmp, 'better_sqlite3.node');
    writeFileSync(binding, 'stand-in');

    // The real file with four substitutions: the Electron stand-in, the output folder, the SQLite
    // stand-in, and the app build taken from the temporary folder instead of the project's out/ (which
    // other tests serve).
    const config = parse(readFileSync(path.join(PROJECT_ROOT, 'electron-builder.yml'), 'utf8')) as { linux: { files: string[] } } & Record<string, unknown>;
    expect(config.linux.files).toContain('out/**/*');
    const files = [...config.linux.files.filter((p) => p !== 'out/**/*'), { from: out, to: 'out', filter: ['**/*', '!**/*.map'] }];
    const configFile = path.join(tmp, 'electron-builder.yml');
    writeFileSync(
      configFile,
      stringify({
        ...config,
        linux: { ...config.linux, files },
        electronDist,
        directories: { output: path.join(tmp, 'dist') },
        extraResources: [{ from: binding, to: 'better-sqlite3/better_sqlite3.node' }],
      }),
    );
    const { build, Platform } = await import('electron-builder');
    await build({ projectDir: PROJECT_ROOT, targets: Platform.LINUX.createTarget('dir'), publish: 'never', config: configFile });

    const resources = path.join(tmp, 'dist', 'linux-unpacked', 'resources');
    const asar = createRequire(createRequire(import.meta.url).resolve('electron-builder'))('@electron/asar') as { listPackage: (file: string) => string[] };
    const inAsar = new Set(asar.listPackage(path.join(resources, 'app.asar')).map((p) => p.replaceAll('\\', '/')));
    for (const bundle of ['index', 'engine-utility', 'image-worker', 'thumbnail-worker', 'crop-prepare-worker'])
      expect(inAsar, bundle).toContain(`/out/main/${bundle}.js`);
    expect(inAsar).toContain('/out/preload/preload.cjs');
    expect(inAsar).toContain('/out/renderer/index.html');
    expect(inAsar).toContain('/package.json');
    expect(inAsar).toContain('/node_modules/onnxruntime-common');
    const topLevel = [...inAsar].filter((p) => p.split('/').length === 2).sort();
    expect(topLevel).toEqual(['/node_modules', '/out', '/package.json']);
    expect([...inAsar].filter((p) => p.startsWith('/out/') && p.endsWith('.map'))).toEqual([]);

    const unpacked = (...parts: string[]) => path.join(resources, 'app.asar.unpacked', 'node_modules', ...parts);
    expect(existsSync(unpacked('better-sqlite3', 'lib', 'database.js'))).toBe(true);
    expect(existsSync(unpacked('better-sqlite3', 'build'))).toBe(false);
    expect(existsSync(unpacked('better-sqlite3', 'deps'))).toBe(false);
    const ort = unpacked('onnxruntime-node', 'bin', 'napi-v6');
    expect(readdirSync(ort)).toEqual(['linux']);
    expect(readdirSync(path.join(ort, 'linux', 'x64')).sort()).toEqual(expect.arrayContaining(['libonnxruntime.so.1', 'onnxruntime_binding.node']));
    expect(existsSync(unpacked('sharp', 'package.json'))).toBe(true);
    const sharpAddons = readdirSync(unpacked('@img')).filter((name) => name.startsWith('sharp-'));
    expect(sharpAddons.some((name) => name.startsWith('sharp-libvips-'))).toBe(true);
    expect(readFileSync(path.join(resources, 'better-sqlite3', 'better_sqlite3.node'), 'utf8')).toBe('stand-in');
  }, 240_000);
});
