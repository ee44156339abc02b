/**
 * The installer configuration (electron-builder.yml) and the CI workflow that builds the installers
 * (.github/workflows/desktop.yml), neither of which can run here: the builder config is checked by
 * electron-builder's own validator and against the folders npm start and the app agree on; the
 * workflow's YAML is parsed and its steps checked in order. test/integration/installer-pack.test.ts
 * packs the config into a folder.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectLayout } from '../../../bin/start-desktop/start-flow.ts';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

type Config = Record<string, unknown> & {
  files?: unknown;
  asarUnpack: string[];
  extraResources: { from: string; to: string }[];
  npmRebuild: boolean;
  linux: { target: string[]; files: string[] };
  mac: { target: string; files: string[] };
  win: { target: string; files: string[] };
};

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), 'utf8');
const config = parse(read('electron-builder.yml')) as Config;
const packageJson = JSON.parse(read('package.json')) as { main: string; scripts: Record<string, string>; devDependencies: Record<string, string> };

/** electron-builder's own check (the one `npm run dist` runs first), from its installed library. */
async function validate(candidate: unknown): Promise<void> {
  const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));
  const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config.js') as {
    validateConfiguration: (c: unknown, logger: { isEnabled: boolean; add: () => void }) => Promise<void>;
  };
  await validateConfiguration(candidate, { isEnabled: false, add: () => undefined });
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's schema, and a misspelt option does not", async () => {
    await expect(validate(config)).resolves.toBeUndefined();
    await expect(validate({ ...config, asarUnpak: ['x'] })).rejects.toThrow(/asarUnpak/);
  });

  it('builds AppImage + deb, dmg and nsis', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
  });

  it('unpacks every native module and ships the Electron build of better-sqlite3 where main.ts looks', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['node_modules/better-sqlite3/**', 'node_modules/onnxruntime-node/**', 'node_modules/sharp/**', 'node_modules/@img/**']),
    );
    expect(config.npmRebuild).toBe(false);
    const binding = path.relative(PROJECT_ROOT, projectLayout(PROJECT_ROOT).sqliteBinding).split(path.sep).join('/');
    expect(config.extraResources).toEqual([{ from: binding, to: 'better-sqlite3/better_sqlite3.node' }]);
    expect(read('src-main/hosts/electron/main.ts')).toContain("path.join(process.resourcesPath, 'better-sqlite3', 'better_sqlite3.node')");
  });

  it("lists the same app files for each platform (a platform's list replaces the top level), minus the other systems' ONNX Runtime", () => {
    expect(config.files).toBeUndefined();
    const common = ['package.json', 'out/**/*', '!out/**/*.map', '!node_modules/better-sqlite3/{deps,src,build}/**'];
    expect(config.linux.files).toEqual([...common, '!node_modules/onnxruntime-node/bin/napi-v*/{darwin,win32}/**']);
    expect(config.mac.files).toEqual([...common, '!node_modules/onnxruntime-node/bin/napi-v*/{linux,win32}/**']);
    expect(config.win.files).toEqual([...common, '!node_modules/onnxruntime-node/bin/napi-v*/{darwin,linux}/**']);
    // out/ is where electron-vite puts main, the engine utility, the workers, preload and renderer.
    expect(read('electron.vite.config.ts')).toContain("process.env['POSEBENCH_ELECTRON_OUT'] ?? at('./out')");
    expect(packageJson.main).toBe('out/main/index.js');
  });

  it('npm run dist fetches SQLite for Electron, builds, then packs with this file', () => {
    expect(packageJson.scripts['dist']).toBe(
      'node bin/start-desktop.js --sqlite-only && electron-vite build && electron-builder --config electron-builder.yml --publish never',
    );
    expect(packageJson.scripts['rebuild:electron']).toBe('node bin/start-desktop.js --sqlite-only');
    expect(packageJson.devDependencies['electron-builder']).toBeDefined();
  });
});

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

describe('.github/workflows/desktop.yml', () => {
  const workflow = parse(read('.github/workflows/desktop.yml')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { 'runs-on': string; strategy: { matrix: { include: { os: string; chromium: string }[] } }; steps: Step[] }>;
  };
  const job = workflow.jobs['desktop']!;
  const steps = job.steps;
  const indexOf = (match: (s: Step) => boolean) => {
    const i = steps.findIndex(match);
    expect(i, 'step missing').toBeGreaterThanOrEqual(0);
    return i;
  };
  const runs = (text: string) => (s: Step) => s.run?.includes(text) === true;

  it('runs on pushes and pull requests over an ubuntu / macos / windows matrix', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    expect(job.strategy.matrix.include.map((m) => m.os)).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
  });

  it('sets up, tests, runs the Electron spec with the binary and SQLite for Electron, builds and uploads the installers, in that order', () => {
    const order = [
      indexOf((s) => s.uses?.startsWith('actions/checkout@') === true),
      indexOf((s) => s.uses?.startsWith('actions/setup-node@') === true),
      indexOf((s) => s.run === 'npm run setup'),
      indexOf((s) => s.run === 'npm test'),
      indexOf(runs('node node_modules/electron/install.js')),
      indexOf(runs('npm run rebuild:electron')),
      indexOf(runs('npx vitest run test/e2e/electron-app.test.ts')),
      indexOf((s) => s.run === 'npm run dist'),
      indexOf((s) => s.uses?.startsWith('actions/upload-artifact@') === true),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(steps.find(runs('electron-app.test.ts'))!.run).toContain("runner.os == 'Linux' && 'xvfb-run -a'");
    // Node 22: electron-builder's @electron/rebuild asks for >= 22.12 (the app itself needs >= 20).
    expect(Number(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version'])).toBeGreaterThanOrEqual(22);
  });

  it('also runs the README commands on Node 20, the lowest package.json allows', () => {
    const node20 = workflow.jobs['node20']!;
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe('>=20');
    expect(Number(node20.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version'])).toBe(20);
    expect(node20.steps.filter((s) => s.run !== undefined && !s.run.startsWith('sudo')).map((s) => s.run)).toEqual(['npm run setup', 'npm test']);
  });

  it('uploads one file per installer target and pins actions to a major version', () => {
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    const paths = upload
      .with!['path']!.trim()
      .split('\n')
      .map((l) => l.trim());
    expect(paths).toEqual(['dist/*.AppImage', 'dist/*.deb', 'dist/*.dmg', 'dist/*.exe']);
    expect(upload.with!['if-no-files-found']).toBe('error');
    for (const s of steps.filter((x) => x.uses !== undefined)) expect(s.uses).toMatch(/^actions\/[a-z-]+@v\d+$/);
  });
});
