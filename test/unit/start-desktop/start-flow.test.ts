/**
 * `npm start`'s decisions (bin/start-desktop/start-flow.ts) with the real effects (node-effects.ts)
 * over a fake project in a temporary folder: a fake `electron` package whose install.js fails like an
 * offline download or writes a binary, a fake `better-sqlite3` package and a fake `prebuild-install`
 * that unpacks an addon or fails like an offline fetch. Only the app build, Electron's launch and the
 * browser fallback are recorded instead of run (the real fallback is test/integration/start-desktop).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../bin/start-desktop/main.ts';
import { browserOpener, installerEnv, nodeEffects, openInBrowser, rendererNeedsBuild, servedUrl } from '../../../bin/start-desktop/node-effects.ts';
import { inspectElectron, projectLayout, reasonLine, startDesktop, type StartEffects, type StartOutcome } from '../../../bin/start-desktop/start-flow.ts';

type Installer = 'fails' | 'succeeds' | 'does-nothing';
type Prebuild = 'succeeds' | 'fails' | 'no-file';

interface FakeProject {
  readonly root: string;
  setElectron(version: string, binary: boolean): void;
  setInstaller(kind: Installer): void;
  setPrebuild(kind: Prebuild): void;
  /** Lines the fake prebuild-install appended (one per run, its arguments). */
  prebuildRuns(): string[];
  installerRuns(): string[];
}

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};

function fakeProject(): FakeProject {
  const root = mkdtempSync(path.join(os.tmpdir(), 'posebench-start-'));
  roots.push(root);
  const modules = path.join(root, 'node_modules');
  const log = (name: string) => path.join(root, `${name}.log`);
  write(path.join(root, 'package.json'), '{"name":"fake-posebench","version":"0.0.0"}\n');
  write(path.join(modules, 'better-sqlite3', 'package.json'), '{"name":"better-sqlite3","version":"12.0.0"}\n');
  write(path.join(modules, 'prebuild-install', 'package.json'), '{"name":"prebuild-install","version":"0.0.0"}\n');
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
  return {
    root,
    setElectron(version, binary) {
      const dir = path.join(modules, 'electron');
      rmSync(dir, { recursive: true, force: true });
      write(path.join(dir, 'package.json'), JSON.stringify({ name: 'electron', version }));
      if (binary) {
        write(path.join(dir, 'path.txt'), 'electron');
        write(path.join(dir, 'dist', 'electron'), '#!/bin/sh\n');
        write(path.join(dir, 'dist', 'version'), `v${version}`);
      }
    },
    setInstaller(kind) {
      const record = `require('fs').appendFileSync(${JSON.stringify(log('installer'))}, 'skip=' + (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '') + '\\n');`;
      const body = {
        // What @electron/get prints offline: the error, then its stack.
        fails: "console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at ClientRequest.<anonymous> (got/index.js:970:111)'); process.exit(1);",
        succeeds:
          "const fs = require('fs'); const p = require('path'); fs.mkdirSync(p.join(__dirname, 'dist'), { recursive: true }); fs.writeFileSync(p.join(__dirname, 'dist', 'electron'), ''); fs.writeFileSync(p.join(__dirname, 'dist', 'version'), require('./package.json').version); fs.writeFileSync(p.join(__dirname, 'path.txt'), 'electron');",
        'does-nothing': 'process.exit(0);',
      }[kind];
      write(path.join(modules, 'electron', 'install.js'), `${record}\n${body}\n`);
    },
    setPrebuild(kind) {
      const record = `require('fs').appendFileSync(${JSON.stringify(log('prebuild'))}, process.argv.slice(2).join(' ') + ' cwd-pkg=' + require(require('path').resolve('package.json')).name + '\\n');`;
      const body = {
        succeeds:
          "const fs = require('fs'); fs.mkdirSync('build/Release', { recursive: true }); fs.writeFileSync('build/Release/better_sqlite3.node', 'addon');",
        fails:
          "console.error('prebuild-install info looking for cached prebuild'); console.error('prebuild-install warn install getaddrinfo ENOTFOUND github.com'); process.exit(1);",
        'no-file': 'process.exit(0);',
      }[kind];
      write(path.join(modules, 'prebuild-install', 'bin.js'), `${record}\n${body}\n`);
    },
    prebuildRuns: () => lines(log('prebuild')),
    installerRuns: () => lines(log('installer')),
  };
}

interface Recorded {
  out: string;
  err: string;
  appBuilds: number;
  launches: { executable: string; env: Readonly<Record<string, string>> }[];
  serves: boolean[];
}

function recordingEffects(root: string, appBuildOk = true): { effects: StartEffects; rec: Recorded } {
  const rec: Recorded = { out: '', err: '', appBuilds: 0, launches: [], serves: [] };
  const real = nodeEffects({ projectRoot: root, out: (t) => void (rec.out += t), err: (t) => void (rec.err += t), downloadTimeoutMs: 30_000 });
  const effects: StartEffects = {
    ...real,
    buildApp: async () => {
      rec.appBuilds += 1;
      return appBuildOk ? { ok: true, output: '' } : { ok: false, output: 'src-main/hosts/electron/main.ts (3:1): Error: Expected ";"' };
    },
    launchElectron: async (executable, env) => {
      rec.launches.push({ executable, env });
      return 0;
    },
    serve: async (open) => {
      rec.serves.push(open);
      return 0;
    },
  };
  return { effects, rec };
}

async function start(
  project: FakeProject,
  options: { open?: boolean; sqliteOnly?: boolean; appBuildOk?: boolean } = {},
): Promise<{ outcome: StartOutcome; rec: Recorded }> {
  const { effects, rec } = recordingEffects(project.root, options.appBuildOk ?? true);
  const outcome = await startDesktop(
    { projectRoot: project.root, open: options.open ?? true, sqliteOnly: options.sqliteOnly ?? false, platform: 'linux', arch: 'x64' },
    effects,
  );
  return { outcome, rec };
}

describe('npm start: Electron binary', () => {
  it('present: no installer, fetches SQLite for Electron, builds and launches with the binding', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setInstaller('fails');
    project.setPrebuild('succeeds');
    const { outcome, rec } = await start(project);
    expect(outcome).toEqual({ kind: 'electron', exitCode: 0 });
    expect(project.installerRuns()).toEqual([]);
    expect(rec.out).toContain('fetching better-sqlite3 12.0.0 for Electron 39.0.0 (linux-x64) (prebuild-install)');
    expect(rec.out).toContain('building the app (electron-vite build)');
    expect(rec.out).toContain('starting Electron 39.0.0');
    expect(rec.err).toBe('');
    expect(project.prebuildRuns()).toEqual(['--runtime electron --target 39.0.0 --arch x64 --platform linux --verbose cwd-pkg=better-sqlite3']);
    const layout = projectLayout(project.root);
    expect(rec.appBuilds).toBe(1);
    expect(rec.launches).toEqual([{ executable: path.join(layout.electronDir, 'dist', 'electron'), env: { POSEBENCH_SQLITE_BINDING: layout.sqliteBinding } }]);
    expect(JSON.parse(readFileSync(layout.sqliteStamp, 'utf8'))).toEqual({ electron: '39.0.0', betterSqlite3: '12.0.0', platform: 'linux', arch: 'x64' });
  });

  it('absent and the installer cannot download: one paragraph with the reason and the retry, then the browser', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', false);
    project.setInstaller('fails');
    project.setPrebuild('succeeds');
    const { outcome, rec } = await start(project);
    expect(outcome).toEqual({ kind: 'served', reason: 'electron-binary', exitCode: 0 });
    expect(rec.out).toContain("Electron 39.0.0's binary is not installed; running Electron's installer (node node_modules/electron/install.js)");
    const paragraph = rec.err.trimEnd();
    expect(paragraph.split('\n')).toHaveLength(1);
    expect(paragraph).toContain("Electron's installer could not download it: RequestError: getaddrinfo ENOTFOUND github.com.");
    expect(paragraph).toContain('ELECTRON_MIRROR=');
    expect(paragraph).toContain('ELECTRON_GET_USE_PROXY=1');
    expect(paragraph).toContain('`node node_modules/electron/install.js`');
    expect(paragraph).toContain('the same UI opens in your browser (posebench serve)');
    expect(paragraph).not.toContain('at ClientRequest');
    expect(rec.serves).toEqual([true]);
    expect(project.prebuildRuns()).toEqual([]);
    expect(rec.appBuilds).toBe(0);
    expect(rec.launches).toEqual([]);
  });

  it('absent: the installer runs without ELECTRON_SKIP_BINARY_DOWNLOAD (set by npm run setup) and then the app starts', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', false);
    project.setInstaller('succeeds');
    project.setPrebuild('succeeds');
    const saved = process.env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
    process.env['ELECTRON_SKIP_BINARY_DOWNLOAD'] = '1';
    try {
      const { outcome, rec } = await start(project);
      expect(outcome).toEqual({ kind: 'electron', exitCode: 0 });
      expect(project.installerRuns()).toEqual(['skip=']);
      expect(rec.out).toContain('Electron 39.0.0 installed.');
      expect(rec.launches).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env['ELECTRON_SKIP_BINARY_DOWNLOAD'];
      else process.env['ELECTRON_SKIP_BINARY_DOWNLOAD'] = saved;
    }
  });

  it('absent and the installer exits 0 without a binary: explains with what is still missing', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', false);
    project.setInstaller('does-nothing');
    project.setPrebuild('succeeds');
    const { outcome, rec } = await start(project, { open: false });
    expect(outcome).toMatchObject({ kind: 'served', reason: 'electron-binary' });
    expect(rec.err).toContain('could not download it: it finished, but no node_modules/electron/path.txt');
    expect(rec.serves).toEqual([false]);
  });

  it('ELECTRON_OVERRIDE_DIST_PATH is honoured as electron/index.js does (no path.txt needed)', () => {
    const project = fakeProject();
    project.setElectron('39.0.0', false);
    const override = path.join(project.root, 'my-electron');
    const files = nodeEffects({ projectRoot: project.root });
    const electronDir = projectLayout(project.root).electronDir;
    expect(inspectElectron(files, electronDir, override)).toMatchObject({ kind: 'absent', why: `${path.join(override, 'electron')} is missing` });
    write(path.join(override, 'electron'), '');
    expect(inspectElectron(files, electronDir, override)).toEqual({ kind: 'present', version: '39.0.0', executable: path.join(override, 'electron') });
  });

  it('a binary of another Electron version counts as absent', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    write(path.join(project.root, 'node_modules', 'electron', 'package.json'), JSON.stringify({ name: 'electron', version: '39.1.0' }));
    project.setInstaller('fails');
    project.setPrebuild('succeeds');
    const { outcome, rec } = await start(project);
    expect(outcome).toMatchObject({ kind: 'served', reason: 'electron-binary' });
    expect(rec.err).toContain('(the downloaded binary is 39.0.0, the package is 39.1.0)');
  });
});

describe('npm start: better-sqlite3 for Electron', () => {
  it('present and current: not fetched again', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setPrebuild('succeeds');
    await start(project);
    const { outcome, rec } = await start(project);
    expect(outcome).toEqual({ kind: 'electron', exitCode: 0 });
    expect(project.prebuildRuns()).toHaveLength(1);
    expect(rec.out).toContain('better-sqlite3 12.0.0 for Electron 39.0.0 (linux-x64) is ready (node_modules/.electron-abi)');
    expect(rec.out).not.toContain('fetching');
  });

  it('stale (Electron upgraded): says what it had and fetches the new one', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setPrebuild('succeeds');
    await start(project);
    project.setElectron('39.2.0', true);
    const { outcome, rec } = await start(project);
    expect(outcome).toEqual({ kind: 'electron', exitCode: 0 });
    expect(rec.out).toContain(
      'the Electron build of SQLite is better-sqlite3 12.0.0 for Electron 39.0.0 (linux-x64); fetching better-sqlite3 12.0.0 for Electron 39.2.0 (linux-x64) (prebuild-install)',
    );
    expect(project.prebuildRuns()).toHaveLength(2);
    expect(project.prebuildRuns()[1]).toContain('--target 39.2.0');
    expect(JSON.parse(readFileSync(projectLayout(project.root).sqliteStamp, 'utf8'))).toMatchObject({ electron: '39.2.0' });
  });

  it('stamp present but the addon deleted: fetched again', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setPrebuild('succeeds');
    await start(project);
    rmSync(projectLayout(project.root).sqliteBinding);
    const { rec } = await start(project);
    expect(rec.out).toContain('fetching better-sqlite3 12.0.0 for Electron 39.0.0');
    expect(project.prebuildRuns()).toHaveLength(2);
  });

  it('failing (offline): one paragraph with the reason, proxy and mirror hints, then the browser; no stamp', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setPrebuild('fails');
    const { outcome, rec } = await start(project);
    expect(outcome).toEqual({ kind: 'served', reason: 'sqlite-build', exitCode: 0 });
    const paragraph = rec.err.trimEnd();
    expect(paragraph.split('\n')).toHaveLength(1);
    expect(paragraph).toContain(
      'better-sqlite3 12.0.0 for Electron 39.0.0 (linux-x64) could not be fetched by prebuild-install: getaddrinfo ENOTFOUND github.com.',
    );
    expect(paragraph).toContain('HTTPS_PROXY=');
    expect(paragraph).toContain('npm_config_better_sqlite3_binary_host');
    expect(paragraph).toContain('Retry with `npm start`');
    expect(rec.serves).toEqual([true]);
    expect(rec.appBuilds).toBe(0);
    expect(rec.launches).toEqual([]);
    expect(existsSync(projectLayout(project.root).sqliteStamp)).toBe(false);
  });

  it('a tool that exits 0 without the addon is a failure too', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setPrebuild('no-file');
    const { outcome, rec } = await start(project);
    expect(outcome).toMatchObject({ kind: 'served', reason: 'sqlite-build' });
    expect(rec.err).toContain('could not be fetched by prebuild-install: finished without');
  });

  it("--sqlite-only prepares the addon without looking for Electron's binary", async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', false);
    project.setInstaller('fails');
    project.setPrebuild('succeeds');
    const { outcome, rec } = await start(project, { sqliteOnly: true });
    expect(outcome).toEqual({ kind: 'sqlite-ready', exitCode: 0 });
    expect(project.installerRuns()).toEqual([]);
    expect(rec.appBuilds).toBe(0);
    expect(existsSync(projectLayout(project.root).sqliteBinding)).toBe(true);
    project.setPrebuild('fails');
    project.setElectron('39.3.0', false);
    expect((await start(project, { sqliteOnly: true })).outcome).toEqual({ kind: 'failed', step: 'sqlite-build', exitCode: 1 });
  });
});

describe('npm start: app build', () => {
  it('a build error stops with the error, without a browser fallback', async () => {
    const project = fakeProject();
    project.setElectron('39.0.0', true);
    project.setPrebuild('succeeds');
    const { outcome, rec } = await start(project, { appBuildOk: false });
    expect(outcome).toEqual({ kind: 'failed', step: 'app-build', exitCode: 1 });
    expect(rec.err).toContain('electron-vite build failed: src-main/hosts/electron/main.ts (3:1): Error: Expected ";"');
    expect(rec.serves).toEqual([]);
    expect(rec.launches).toEqual([]);
  });
});

describe('npm start helpers', () => {
  it('reasonLine keeps the error line, not the stack', () => {
    expect(reasonLine('RequestError: connect ECONNREFUSED 127.0.0.1:9\n    at TCPConnectWrap.afterConnect\n')).toBe(
      'RequestError: connect ECONNREFUSED 127.0.0.1:9',
    );
    expect(reasonLine('prebuild-install info begin\nprebuild-install warn install Request timed out\n')).toBe('Request timed out');
    expect(reasonLine('')).toBe('no output');
  });

  it('opens URLs with open / start / xdg-open', () => {
    const url = 'http://127.0.0.1:5000/?token=abc';
    expect(browserOpener('darwin', url)).toEqual({ command: 'open', args: [url] });
    expect(browserOpener('win32', url)).toEqual({ command: 'cmd', args: ['/c', 'start', '""', url] });
    expect(browserOpener('linux', url)).toEqual({ command: 'xdg-open', args: [url] });
  });

  it('without an opener on the PATH, says to open the printed URL', async () => {
    const saved = process.env['PATH'];
    process.env['PATH'] = mkdtempSync(path.join(os.tmpdir(), 'posebench-empty-path-'));
    roots.push(process.env['PATH']);
    let said = '';
    try {
      openInBrowser('http://127.0.0.1:5000/?token=abc', (t) => void (said += t), 'linux');
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      process.env['PATH'] = saved;
    }
    expect(said).toBe('posebench: could not run xdg-open to open a browser; open the URL above yourself.\n');
  });

  it('the command line: --help, and an unknown option is a usage error', async () => {
    expect(await main(['--help'])).toBe(0);
    expect(await main(['--bogus'])).toBe(2);
  });

  it('finds the URL posebench serve prints', () => {
    expect(servedUrl('posebench is serving on http://127.0.0.1:5000/?token=abc\nOpen that URL')).toBe('http://127.0.0.1:5000/?token=abc');
    expect(servedUrl('posebench is serv')).toBeNull();
  });

  it('rebuilds the served UI only when it is missing or older than its sources', () => {
    expect(rendererNeedsBuild(null, 0)).toBe(true);
    expect(rendererNeedsBuild(2000, 1000)).toBe(false);
    expect(rendererNeedsBuild(1000, 2000)).toBe(true);
  });

  it('lets the installer download even when setup skipped it', () => {
    expect(installerEnv({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1', npm_config_electron_skip_binary_download: 'true', PATH: '/bin' })).toEqual({ PATH: '/bin' });
  });
});
