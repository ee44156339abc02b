/**
 * Shared set-up of the browser end-to-end tests: the renderer build, a web host on a temp workspace,
 * Debian's Chromium through playwright-core with a fresh profile, and console/page error capture.
 */
import { trackBrowserProblems } from '../support/browser-problems.ts';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';

/** Debian's Chromium (apt-get install chromium); POSEBENCH_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env['POSEBENCH_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);
export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'screenshots');

const run = promisify(execFile);

/** Builds the renderer once when out/renderer is missing (npm test builds it first). */
export async function ensureRendererBuilt(): Promise<void> {
  if (existsSync(path.join(PROJECT_ROOT, 'out', 'renderer', 'index.html'))) return;
  await run(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.ts'], {
    cwd: PROJECT_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface BrowserSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and page errors seen so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const context = await chromium.launchPersistentContext(tempDir('posebench-chromium-'), {
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Checked after every test by the global hook (test/support/console-error-hook.ts).
  const untrack = trackBrowserProblems({ problems });
  return {
    context,
    page,
    problems,
    close: async () => {
      untrack();
      await context.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** POST /api/<channel> with the token, as the page does. */
export async function api<T>(baseUrl: string, token: string, channel: string, body: unknown = {}): Promise<T> {
  const response = await fetch(new URL(`/api/${channel}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-posebench-token': token },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { ok: boolean; result?: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${channel}: ${json.error?.message}`);
  return json.result as T;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `posebench eval --demo --format json` as the user runs it (`extraArgs` e.g. `--protocol mmpose1x`). */
export async function cliEvalDemo(db: string, extraArgs: readonly string[] = []): Promise<CliEvalJson> {
  const { stdout } = await run(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin', 'posebench.js'), 'eval', '--demo', '--format', 'json', '--db', db, ...extraArgs],
    {
      cwd: PROJECT_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as CliEvalJson;
}

export interface CliEvalJson {
  readonly variants: readonly { variant: string; metrics: Record<string, number | null>; latency_median_ms?: number | null }[];
}

/** The two window sizes every layout must fit (no horizontal overflow of the document). */
export const VIEWPORTS = [
  { width: 1024, height: 700 },
  { width: 1440, height: 900 },
] as const;

/** A screenshot named `<name>-<w>x<h>.png` at each of `viewports`; returns the files. `before` runs after each resize (e.g. to scroll). */
export async function screenshotsAt(
  page: Page,
  name: string,
  viewports: readonly { width: number; height: number }[] = VIEWPORTS,
  before?: () => Promise<void>,
): Promise<string[]> {
  const original = page.viewportSize();
  const files: string[] = [];
  try {
    for (const viewport of viewports) {
      await page.setViewportSize(viewport);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      if (before) await before();
      files.push(await screenshot(page, `${name}-${viewport.width}x${viewport.height}`));
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
  return files;
}

/**
 * Elements wider than their box where nothing should scroll sideways: the document and each view's
 * scroll container (tables scroll inside their own `.table-scroll`). Empty when the layout fits.
 */
export function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) out.push(`document ${root.scrollWidth} > ${root.clientWidth}`);
    for (const view of document.querySelectorAll<HTMLElement>('.view, .view-split, .panel')) {
      if (view.scrollWidth > view.clientWidth + 1)
        out.push(`${view.className} ${view.getAttribute('aria-labelledby') ?? ''} ${view.scrollWidth} > ${view.clientWidth}`);
    }
    return out;
  });
}

/**
 * A copy of a demo model under `dir` as `<baseName>.onnx` with its sidecar, `decoder` merged over
 * the demo sidecar's (e.g. `{ flipTest: true }`). Returns the copy's path.
 */
export function copyDemoModel(modelFile: string, dir: string, baseName: string, decoder: Record<string, unknown>): string {
  mkdirSync(dir, { recursive: true });
  const target = path.join(dir, `${baseName}.onnx`);
  copyFileSync(modelFile, target);
  const sidecar = JSON.parse(readFileSync(modelFile.replace(/\.onnx$/, '.json'), 'utf8')) as { decoder?: Record<string, unknown> };
  sidecar.decoder = { ...(sidecar.decoder ?? {}), ...decoder };
  writeFileSync(path.join(dir, `${baseName}.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
  return target;
}
