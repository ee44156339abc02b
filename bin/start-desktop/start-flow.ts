/**
 * What `npm start` does, as decisions over an injected set of effects (node-effects.ts has the real
 * ones; the tests run the real ones against fake packages in a temporary folder).
 *
 * 1. Electron's binary: present (path.txt → dist/<executable>, dist/version = the package version), or
 *    Electron's own installer runs; if the binary is still absent after it (offline, proxy), ONE
 *    paragraph says why and how to retry, and the same UI opens in the browser (`posebench serve`).
 * 2. better-sqlite3 for Electron's ABI: a prebuilt addon from better-sqlite3's releases through
 *    prebuild-install, in node_modules/.electron-abi/better-sqlite3 (the folder the app passes to
 *    better-sqlite3's `nativeBinding`, so the plain-Node build used by the CLI and tests stays as it is),
 *    stamped with the Electron + better-sqlite3 versions so it is fetched again only when they change.
 *    Failure: the same explain-and-fall-back.
 * 3. electron-vite build, then Electron on the project.
 */
import path from 'node:path';

/** What the flow reads from the disk (injected so decisions stay testable). */
export interface FileView {
  readonly readText: (file: string) => string | null;
  readonly exists: (file: string) => boolean;
}

export interface StepResult {
  readonly ok: boolean;
  /** Combined stdout + stderr (for the one-line reason in an explanation). */
  readonly output: string;
}

export interface SqliteBuildPlan {
  readonly electronVersion: string;
  readonly sqliteVersion: string;
  /** better-sqlite3's package folder (its package.json names the release to fetch). */
  readonly sqliteDir: string;
  /** Where the Electron build goes (build/Release/better_sqlite3.node below it). */
  readonly targetDir: string;
  readonly platform: string;
  readonly arch: string;
}

export interface StartEffects extends FileView {
  readonly writeText: (file: string, text: string) => void;
  /** `node node_modules/electron/install.js` with downloads allowed. */
  readonly runElectronInstaller: (electronDir: string) => Promise<StepResult>;
  /** Fetches (or builds) better-sqlite3 for Electron into plan.targetDir. */
  readonly buildSqlite: (plan: SqliteBuildPlan) => Promise<StepResult>;
  /** electron-vite build. */
  readonly buildApp: () => Promise<StepResult>;
  /** Runs Electron on the project until it exits; resolves to its exit code. */
  readonly launchElectron: (executable: string, env: Readonly<Record<string, string>>) => Promise<number>;
  /** `posebench serve`, opening its URL unless open is false; resolves to its exit code. */
  readonly serve: (open: boolean) => Promise<number>;
  /** Progress lines. */
  readonly out: (text: string) => void;
  /** Explanations and errors. */
  readonly err: (text: string) => void;
}

export interface StartOptions {
  readonly projectRoot: string;
  /** Open the browser in the fallback (`--no-open` sets false). */
  readonly open: boolean;
  /** Stop after the SQLite step (`npm run rebuild:electron`, `npm run dist`). */
  readonly sqliteOnly?: boolean;
  readonly platform?: string;
  readonly arch?: string;
  /** ELECTRON_OVERRIDE_DIST_PATH, honoured as electron/index.js does. */
  readonly overrideDistPath?: string | undefined;
}

export type StartOutcome =
  | { readonly kind: 'electron'; readonly exitCode: number }
  | { readonly kind: 'served'; readonly reason: 'electron-binary' | 'sqlite-build'; readonly exitCode: number }
  | { readonly kind: 'sqlite-ready'; readonly exitCode: number }
  | { readonly kind: 'failed'; readonly step: 'app-build' | 'sqlite-build'; readonly exitCode: number };

export interface ProjectLayout {
  readonly electronDir: string;
  readonly sqliteDir: string;
  readonly sqliteTargetDir: string;
  readonly sqliteBinding: string;
  readonly sqliteStamp: string;
}

/** The folders the app and this script agree on (main.ts loads sqliteBinding in development). */
export function projectLayout(projectRoot: string): ProjectLayout {
  const modules = path.join(projectRoot, 'node_modules');
  const sqliteTargetDir = path.join(modules, '.electron-abi', 'better-sqlite3');
  return {
    electronDir: path.join(modules, 'electron'),
    sqliteDir: path.join(modules, 'better-sqlite3'),
    sqliteTargetDir,
    sqliteBinding: path.join(sqliteTargetDir, 'build', 'Release', 'better_sqlite3.node'),
    sqliteStamp: path.join(sqliteTargetDir, 'posebench-build.json'),
  };
}

export type ElectronState =
  | { readonly kind: 'present'; readonly version: string; readonly executable: string }
  | { readonly kind: 'absent'; readonly version: string; readonly why: string };

export function packageVersion(files: FileView, packageDir: string): string {
  const text = files.readText(path.join(packageDir, 'package.json'));
  if (text === null) throw new Error(`${path.join(packageDir, 'package.json')} is missing: run npm run setup (or npm ci) first`);
  const version = (JSON.parse(text) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${path.join(packageDir, 'package.json')} has no version`);
  return version;
}

/** The same test Electron's install.js makes (path.txt, dist/version, the executable). */
export function inspectElectron(files: FileView, electronDir: string, overrideDistPath?: string): ElectronState {
  const version = packageVersion(files, electronDir);
  // electron/index.js falls back to 'electron' under ELECTRON_OVERRIDE_DIST_PATH without a path.txt.
  const relative = files.readText(path.join(electronDir, 'path.txt')) ?? (overrideDistPath ? 'electron' : null);
  if (relative === null) return { kind: 'absent', version, why: 'no node_modules/electron/path.txt: it was never downloaded' };
  const executable = overrideDistPath ? path.join(overrideDistPath, relative) : path.join(electronDir, 'dist', relative);
  if (!overrideDistPath) {
    const installed = files
      .readText(path.join(electronDir, 'dist', 'version'))
      ?.trim()
      .replace(/^v/, '');
    if (installed !== version) return { kind: 'absent', version, why: `the downloaded binary is ${installed ?? 'unknown'}, the package is ${version}` };
  }
  if (!files.exists(executable)) return { kind: 'absent', version, why: `${executable} is missing` };
  return { kind: 'present', version, executable };
}

export interface SqliteStamp {
  readonly electron: string;
  readonly betterSqlite3: string;
  readonly platform: string;
  readonly arch: string;
}

export type SqliteState = { readonly kind: 'current' } | { readonly kind: 'missing' } | { readonly kind: 'stale'; readonly was: string };

const describeStamp = (s: SqliteStamp): string => `better-sqlite3 ${s.betterSqlite3} for Electron ${s.electron} (${s.platform}-${s.arch})`;

/** Current when the stamp names the same versions and platform and the addon is there. */
export function inspectSqliteBuild(files: FileView, layout: ProjectLayout, wanted: SqliteStamp): SqliteState {
  const text = files.readText(layout.sqliteStamp);
  if (text === null || !files.exists(layout.sqliteBinding)) return { kind: 'missing' };
  let stamp: Partial<SqliteStamp>;
  try {
    stamp = JSON.parse(text) as Partial<SqliteStamp>;
  } catch {
    return { kind: 'stale', was: 'an unreadable stamp' };
  }
  const same =
    stamp.electron === wanted.electron && stamp.betterSqlite3 === wanted.betterSqlite3 && stamp.platform === wanted.platform && stamp.arch === wanted.arch;
  return same
    ? { kind: 'current' }
    : {
        kind: 'stale',
        was: describeStamp({
          electron: String(stamp.electron),
          betterSqlite3: String(stamp.betterSqlite3),
          platform: String(stamp.platform),
          arch: String(stamp.arch),
        }),
      };
}

/** The last line that looks like a reason (installers print stack traces after it). */
export function reasonLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !/^[{}[\]]/.test(l));
  const pick = lines.find((l) => /error|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN|404|403|certificate|proxy|warn install/i.test(l)) ?? lines.at(-1);
  return (pick ?? 'no output').replace(/^prebuild-install warn install /, '').slice(0, 200);
}

const FALLBACK_SENTENCE = 'Meanwhile the same UI opens in your browser (posebench serve).';

export function explainElectronFailure(version: string, why: string, output: string): string {
  return [
    `posebench: Electron ${version}'s binary is not installed (${why}) and Electron's installer could not download it: ${reasonLine(output)}.`,
    'It comes from github.com/electron/electron/releases; behind a proxy set ELECTRON_GET_USE_PROXY=1 and GLOBAL_AGENT_HTTPS_PROXY=http://host:port,',
    'or point ELECTRON_MIRROR at a mirror (e.g. ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/),',
    'then retry with `node node_modules/electron/install.js` or simply `npm start`.',
    FALLBACK_SENTENCE,
  ].join(' ');
}

export function explainSqliteFailure(plan: SqliteBuildPlan, output: string): string {
  return [
    `posebench: better-sqlite3 ${plan.sqliteVersion} for Electron ${plan.electronVersion} (${plan.platform}-${plan.arch}) could not be fetched by prebuild-install: ${reasonLine(output)}.`,
    'The prebuilt addon comes from github.com/WiseLibs/better-sqlite3/releases; behind a proxy set HTTPS_PROXY=http://host:port,',
    'a mirror goes in npm_config_better_sqlite3_binary_host; an HTTP 404 means no prebuild exists for this Electron version yet (pin electron to one that has).',
    'Retry with `npm start` (or `npm run rebuild:electron`).',
    FALLBACK_SENTENCE,
  ].join(' ');
}

async function fallBack(effects: StartEffects, options: StartOptions, reason: 'electron-binary' | 'sqlite-build'): Promise<StartOutcome> {
  const exitCode = await effects.serve(options.open);
  return { kind: 'served', reason, exitCode };
}

/** Ensures the Electron build of better-sqlite3; false (after explaining) when it cannot be had. */
async function ensureSqlite(effects: StartEffects, layout: ProjectLayout, plan: SqliteBuildPlan): Promise<boolean> {
  const wanted: SqliteStamp = { electron: plan.electronVersion, betterSqlite3: plan.sqliteVersion, platform: plan.platform, arch: plan.arch };
  const state = inspectSqliteBuild(effects, layout, wanted);
  if (state.kind === 'current') {
    effects.out(`posebench: ${describeStamp(wanted)} is ready (node_modules/.electron-abi).\n`);
    return true;
  }
  effects.out(
    state.kind === 'stale'
      ? `posebench: the Electron build of SQLite is ${state.was}; fetching ${describeStamp(wanted)} (prebuild-install)…\n`
      : `posebench: fetching ${describeStamp(wanted)} (prebuild-install)…\n`,
  );
  const result = await effects.buildSqlite(plan);
  if (!result.ok || !effects.exists(layout.sqliteBinding)) {
    effects.err(`${explainSqliteFailure(plan, result.ok ? `finished without ${layout.sqliteBinding}` : result.output)}\n`);
    return false;
  }
  // Written last, so an interrupted fetch is "missing" next time, never "current".
  effects.writeText(layout.sqliteStamp, `${JSON.stringify(wanted, null, 2)}\n`);
  effects.out(`posebench: ${describeStamp(wanted)} is ready.\n`);
  return true;
}

export async function startDesktop(options: StartOptions, effects: StartEffects): Promise<StartOutcome> {
  const layout = projectLayout(options.projectRoot);
  const platform = options.platform ?? process.platform;
  const arch = options.arch ?? process.arch;
  const electronVersion = packageVersion(effects, layout.electronDir);
  const plan: SqliteBuildPlan = {
    electronVersion,
    sqliteVersion: packageVersion(effects, layout.sqliteDir),
    sqliteDir: layout.sqliteDir,
    targetDir: layout.sqliteTargetDir,
    platform,
    arch,
  };

  if (options.sqliteOnly) {
    const ok = await ensureSqlite(effects, layout, plan);
    return ok ? { kind: 'sqlite-ready', exitCode: 0 } : { kind: 'failed', step: 'sqlite-build', exitCode: 1 };
  }

  let electron = inspectElectron(effects, layout.electronDir, options.overrideDistPath);
  if (electron.kind === 'absent') {
    effects.out(`posebench: Electron ${electron.version}'s binary is not installed; running Electron's installer (node node_modules/electron/install.js)…\n`);
    const installed = await effects.runElectronInstaller(layout.electronDir);
    const why = electron.why;
    electron = inspectElectron(effects, layout.electronDir, options.overrideDistPath);
    if (electron.kind === 'absent') {
      effects.err(`${explainElectronFailure(electron.version, why, installed.ok ? `it finished, but ${electron.why}` : installed.output)}\n`);
      return fallBack(effects, options, 'electron-binary');
    }
    effects.out(`posebench: Electron ${electron.version} installed.\n`);
  }

  if (!(await ensureSqlite(effects, layout, plan))) return fallBack(effects, options, 'sqlite-build');

  effects.out('posebench: building the app (electron-vite build)…\n');
  const built = await effects.buildApp();
  if (!built.ok) {
    // A build error is in the code, not the network: the browser would show the same broken sources.
    effects.err(`posebench: electron-vite build failed: ${reasonLine(built.output)}. Fix the error above and run npm start again.\n`);
    return { kind: 'failed', step: 'app-build', exitCode: 1 };
  }
  effects.out(`posebench: starting Electron ${electron.version}.\n`);
  const exitCode = await effects.launchElectron(electron.executable, { POSEBENCH_SQLITE_BINDING: layout.sqliteBinding });
  return { kind: 'electron', exitCode };
}
