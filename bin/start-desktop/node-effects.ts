/**
 * The real effects behind start-flow.ts: child processes for Electron's installer, prebuild-install,
 * electron-vite, Electron itself and `posebench serve`, and the system's URL opener.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SqliteBuildPlan, StartEffects, StepResult } from './start-flow.ts';

export interface NodeEffectsOptions {
  readonly projectRoot: string;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  /** Milliseconds before a download step counts as failed (a proxy that swallows connections). */
  readonly downloadTimeoutMs?: number;
}

type Env = Record<string, string | undefined>;

interface RunOptions {
  readonly cwd: string;
  readonly env?: Env;
  /** Echo the child's output while collecting it (long builds show progress). */
  readonly echo?: (text: string) => void;
  readonly timeoutMs?: number;
}

/** Runs a command to completion, collecting stdout + stderr. Never rejects. */
export function runCollecting(command: string, args: readonly string[], options: RunOptions): Promise<StepResult> {
  return new Promise((resolve) => {
    let output = '';
    let child: ChildProcess;
    try {
      child = spawn(command, args, { cwd: options.cwd, env: (options.env ?? process.env) as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ ok: false, output: error instanceof Error ? error.message : String(error) });
      return;
    }
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      options.echo?.(text);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\ntimed out after ${Math.round(options.timeoutMs! / 1000)} s (error: no answer; a proxy may be needed)\n`;
            child.kill();
          }, options.timeoutMs);
    child.on('error', (error) => {
      output += `\n${error.message}\n`;
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ ok: code === 0, output });
    });
  });
}

/**
 * Stops the child when this process is told to stop, so no server or app outlives `npm start`. Both
 * become SIGTERM: after Ctrl+C the terminal has already sent SIGINT to the child too, and posebench
 * serve listens for each signal once, so a second SIGINT would kill it before it closes its engine.
 */
function forwardSignals(child: ChildProcess): () => void {
  const stop = () => {
    child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

function waitForExit(child: ChildProcess): Promise<number> {
  const release = forwardSignals(child);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      process.stderr.write(`posebench: ${error.message}\n`);
    });
    child.on('close', (code, signal) => {
      release();
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

export interface OpenerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The system's "open this URL" command: open (macOS), start (Windows, through cmd), xdg-open. */
export function browserOpener(platform: string, url: string): OpenerCommand {
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start`'s first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

/** Opens the URL; when no opener exists, says so (the URL is already printed). */
export function openInBrowser(url: string, err: (text: string) => void, platform: string = process.platform): void {
  const { command, args } = browserOpener(platform, url);
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsVerbatimArguments: platform === 'win32' });
    child.on('error', () => err(`posebench: could not run ${command} to open a browser; open the URL above yourself.\n`));
    child.unref();
  } catch {
    err(`posebench: could not run ${command} to open a browser; open the URL above yourself.\n`);
  }
}

/** The URL `posebench serve` prints (serve-command.ts). */
export function servedUrl(text: string): string | null {
  return /posebench is serving on (\S+)/.exec(text)?.[1] ?? null;
}

/** The served renderer must be rebuilt when it is missing or older than any of its sources. */
export function rendererNeedsBuild(builtMtimeMs: number | null, newestSourceMtimeMs: number): boolean {
  return builtMtimeMs === null || newestSourceMtimeMs > builtMtimeMs;
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  // Names relative to `dir` (Dirent.parentPath needs Node 20.12; `engines` says 20).
  for (const relative of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stats = statSync(path.join(dir, relative));
    if (stats.isFile()) newest = Math.max(newest, stats.mtimeMs);
  }
  return newest;
}

/** Without ELECTRON_SKIP_BINARY_DOWNLOAD (set by npm run setup, it would make the installer a no-op). */
export function installerEnv(env: Env): Env {
  const copy = { ...env };
  delete copy['ELECTRON_SKIP_BINARY_DOWNLOAD'];
  delete copy['npm_config_electron_skip_binary_download'];
  return copy;
}

export function nodeEffects(options: NodeEffectsOptions): StartEffects {
  const root = options.projectRoot;
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  const err = options.err ?? ((text: string) => void process.stderr.write(text));
  const downloadTimeoutMs = options.downloadTimeoutMs ?? 15 * 60_000;
  const requireFromProject = createRequire(path.join(root, 'package.json'));
  const node = process.execPath;

  async function buildSqlite(plan: SqliteBuildPlan): Promise<StepResult> {
    let prebuildBin: string;
    try {
      prebuildBin = requireFromProject.resolve('prebuild-install/bin.js');
    } catch {
      return { ok: false, output: 'error: prebuild-install is not installed (run npm run setup)' };
    }
    // A fresh folder holding only better-sqlite3's package.json: prebuild-install reads the name and
    // version there and unpacks build/Release/better_sqlite3.node beside it.
    rmSync(plan.targetDir, { recursive: true, force: true });
    mkdirSync(plan.targetDir, { recursive: true });
    copyFileSync(path.join(plan.sqliteDir, 'package.json'), path.join(plan.targetDir, 'package.json'));
    const args = [prebuildBin, '--runtime', 'electron', '--target', plan.electronVersion, '--arch', plan.arch, '--platform', plan.platform, '--verbose'];
    return runCollecting(node, args, { cwd: plan.targetDir, env: { ...process.env, npm_config_build_from_source: undefined }, timeoutMs: downloadTimeoutMs });
  }

  async function serve(open: boolean): Promise<number> {
    const built = path.join(root, 'out', 'renderer', 'index.html');
    const builtMtime = existsSync(built) ? statSync(built).mtimeMs : null;
    // The renderer's sources and what it may import from src-main (ARCHITECTURE.md: api, core).
    const sources = ['src-renderer', path.join('src-main', 'api'), path.join('src-main', 'core')].map((dir) => newestMtime(path.join(root, dir)));
    if (rendererNeedsBuild(builtMtime, Math.max(...sources))) {
      out('posebench: building the web UI (vite build)…\n');
      const result = await runCollecting(
        node,
        [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'],
        { cwd: root, echo: out },
      );
      if (!result.ok) {
        err('posebench: the web UI did not build (output above).\n');
        return 1;
      }
    }
    const child = spawn(node, [path.join(root, 'bin', 'posebench.js'), 'serve'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let seen = '';
    let opened = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      out(text);
      if (opened) return;
      seen += text;
      const url = servedUrl(seen);
      if (url === null) return;
      opened = true;
      if (open) openInBrowser(url, err);
    });
    return waitForExit(child);
  }

  return {
    readText: (file) => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return null;
      }
    },
    exists: (file) => existsSync(file),
    writeText: (file, text) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    },
    runElectronInstaller: (electronDir) =>
      runCollecting(node, [path.join(electronDir, 'install.js')], { cwd: electronDir, env: installerEnv(process.env), timeoutMs: downloadTimeoutMs }),
    buildSqlite,
    buildApp: () => runCollecting(node, [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, echo: out }),
    launchElectron: (executable, extra) => {
      const env: Env = { ...process.env, ...extra };
      // Set by some editors' terminals; it would make Electron a plain Node and ignore the app.
      delete env['ELECTRON_RUN_AS_NODE'];
      return waitForExit(spawn(executable, [root], { cwd: root, env: env as NodeJS.ProcessEnv, stdio: 'inherit' }));
    },
    serve,
    out,
    err,
  };
}
