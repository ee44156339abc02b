/**
 * Issue 11 in the browser (web host, demo workspace): add a model with a name, run it from Runs and
 * see exactly the numbers `posebench eval` prints for it; adding it again says it is already listed;
 * rename, hide and show; edit its options (stale until run again); the details row with every manifest
 * field and the latency history (Re-measure latency adds a row); Remove… with its confirmation.
 * Screenshots at 1024×700 and 1440×900; any console error or page error fails the test.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { METRIC_COLUMNS, type MetricsTable, type RunSummary, type VariantDetails, type VariantSummary } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { runPosebench } from '../support/run-cli.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import {
  api,
  copyDemoModel,
  ensureRendererBuilt,
  HAS_CHROMIUM,
  horizontalOverflow,
  openBrowser,
  screenshotsAt,
  tempDir,
  VIEWPORTS,
  waitFor,
  type BrowserSession,
} from './e2e-support.ts';

if (!HAS_CHROMIUM) console.warn('[skip] variant management e2e: /usr/bin/chromium is missing (apt-get install chromium)');

const NAME = 'heatmap flip';
const RENAMED = 'flip copy';

interface CliReport {
  readonly metrics?: Record<string, number | null>;
  readonly variants?: readonly { metrics: Record<string, number | null> }[];
}

/** Metric values as the table shows them (2 decimals). */
const shown = (metrics: Record<string, number | null | undefined>): string[] =>
  METRIC_COLUMNS.map((column) => {
    const value = metrics[column];
    return value === null || value === undefined ? '–' : value.toFixed(2);
  });

describe.skipIf(!HAS_CHROMIUM)('variant management in the browser (issue 11)', () => {
  let host: WebHost;
  let browser: BrowserSession;
  let page: Page;
  let modelCopy: string;
  let datasetDir: string;
  let cliMetrics: string[];
  let variantId: string;

  const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);
  const variant = async (): Promise<VariantSummary | undefined> => (await call<VariantSummary[]>('variants:list')).find((v) => v.id === variantId);
  const allSettled = (what: string) =>
    waitFor(
      what,
      async () => {
        const runs = await call<RunSummary[]>('runs:list');
        return runs.every((r) => r.status !== 'running') ? runs : undefined;
      },
      240_000,
    );

  /** The metric cells of `name`'s row in the Metrics table, as shown (undefined: no such row). */
  const metricsRow = async (name: string): Promise<string[] | undefined> => {
    const table = page.getByRole('table', { name: 'PCKh per joint' });
    const row = table.locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
    if ((await row.count()) === 0) return undefined;
    const cells = await row.locator('td').allInnerTexts();
    return cells.slice(0, METRIC_COLUMNS.length).map((text) => text.replace(/[^\d.–-]/g, ''));
  };
  const openTab = async (name: string) => {
    await page.getByRole('tab', { name }).click();
    await page.getByRole('tab', { name, selected: true }).waitFor();
  };
  const variantRow = (name: string) => page.getByRole('table', { name: 'Variants' }).getByRole('row', { name: `Variant ${name}`, exact: true });
  const details = (name: string) => page.getByRole('region', { name: `Details of ${name}`, exact: true });
  const fitsAtEveryViewport = async (what: string) => {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      expect(await horizontalOverflow(page), `${what} at ${viewport.width}×${viewport.height}`).toEqual([]);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  };

  beforeAll(async () => {
    await ensureRendererBuilt();
    const demo = await ensureDemo(PROJECT_ROOT);
    datasetDir = demo.datasetDir;
    const dir = tempDir('posebench-variants-e2e-');
    const heatmap = demo.modelFiles.find((file) => path.basename(file) === 'demo_heatmap_256.onnx');
    if (heatmap === undefined) throw new Error('the demo has no demo_heatmap_256.onnx');
    modelCopy = copyDemoModel(heatmap, path.join(dir, 'models'), 'heatmap_flip', { flipTest: true });
    // The CLI scores the copy on the same dataset in a workspace of its own.
    const cli = await runPosebench(['eval', '--dataset', datasetDir, '--model', modelCopy, '--format', 'json', '--db', path.join(dir, 'cli.sqlite')]);
    expect(cli.code, cli.stderr).toBe(0);
    const report = JSON.parse(cli.stdout) as CliReport;
    const metrics = report.metrics ?? report.variants?.[0]?.metrics;
    if (metrics === undefined) throw new Error(`no metrics in the CLI's output: ${cli.stdout.slice(0, 200)}`);
    cliMetrics = shown(metrics);
    host = await startWebHost({ db: path.join(dir, 'workspace.sqlite'), log: () => undefined });
    // The demo's models are run when the demo is first opened; wait for that run.
    await waitFor(
      'the demo run',
      async () => {
        const runs = await call<RunSummary[]>('runs:list');
        return runs.length > 0 && runs.every((r) => r.status !== 'running') ? runs : undefined;
      },
      240_000,
    );
    browser = await openBrowser();
    page = browser.page;
    await page.goto(host.url);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('shows latency with its spread in Metrics and error bars in Compare, fitting both window sizes', async () => {
    const table = page.getByRole('table', { name: 'PCKh per joint' });
    await table.waitFor();
    const metrics = await call<MetricsTable>('metrics:table');
    const withSpread = metrics.rows.find((row) => row.latency !== null && row.latency.p5Ms !== null);
    expect(withSpread, 'the demo runs measure a latency distribution').toBeDefined();
    const cell = table
      .locator('tbody tr', { has: page.getByRole('rowheader', { name: withSpread!.variantName, exact: true }) })
      .locator('td[data-column="latency"]');
    expect(await cell.innerText()).toMatch(/^\d+\.\d+ ±\d+\.\d+$/);
    expect(await cell.getAttribute('title')).toMatch(/median, p5–p95 .* ms, IQR .* ms, n = \d+ single-thread session\.run timings/);
    // The best mark on latency only when the engine says the fastest is clearly separated.
    const clearly = metrics.rows.filter((row) => row.latencyClearlyBest).length;
    expect(await table.locator('td.best[data-column="latency"]').count()).toBe(metrics.rows.length > 1 ? clearly : 0);
    await fitsAtEveryViewport('Metrics');
    await screenshotsAt(page, 'variants-metrics-latency');

    await openTab('Compare');
    await page.getByRole('img', { name: /Latency .* vs PCKh/ }).waitFor();
    const bars = page.locator('svg.chart g.error-bar');
    await bars.first().waitFor();
    expect(await bars.count()).toBeGreaterThanOrEqual(2);
    expect(await page.getByRole('table', { name: 'Difference to baseline' }).locator('td[data-column="latency"]').first().innerText()).toMatch(
      /^\d+\.\d+ ±\d+\.\d+$/,
    );
    await fitsAtEveryViewport('Compare');
    await screenshotsAt(page, 'variants-compare-error-bars');
  }, 300_000);

  it('adds a model with a name, runs it, and Metrics shows exactly what posebench eval prints', async () => {
    await openTab('Runs');
    const form = page.getByRole('region', { name: 'Add model' });
    await form.getByLabel('Model file (.onnx)').fill(modelCopy);
    await form.getByLabel('Name', { exact: true }).fill(NAME);
    // Every decoder option is offered, each with the sidecar's as the default.
    expect(await form.getByLabel('Flip test').locator('option').allInnerTexts()).toEqual(['sidecar’s', 'on', 'off']);
    expect(await form.getByLabel('Heatmap refinement').locator('option').allInnerTexts()).toEqual(['sidecar’s', '0.25 shift', 'DARK', 'none']);
    expect(await form.getByLabel('σ are logits').locator('option').allInnerTexts()).toEqual(['sidecar’s', 'yes', 'no']);
    expect(await form.getByLabel('SimCC split ratio').inputValue()).toBe('');
    await form.scrollIntoViewIfNeeded();
    await fitsAtEveryViewport('Runs with the add-model form');
    await screenshotsAt(page, 'variants-add-model-form', VIEWPORTS, () => form.scrollIntoViewIfNeeded());
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const result = form.getByRole('status', { name: 'Add model result' });
    await result.getByText(`Added ${NAME}`).waitFor();

    const added = (await call<VariantSummary[]>('variants:list')).find((v) => v.name === NAME);
    expect(added).toBeDefined();
    variantId = added!.id;
    // The new variant is ticked for the next run, alone.
    await page.getByLabel(`Run ${NAME}`).waitFor();
    expect(await page.getByLabel(`Run ${NAME}`).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Start run (1)' }).click();
    await waitFor(
      'the new variant evaluated',
      async () => {
        const v = await variant();
        return v?.evaluated && v.status === 'ready' ? v : undefined;
      },
      240_000,
    );
    await page
      .getByRole('group', { name: /^Run r\d+$/ })
      .first()
      .getByText(`${NAME}: 200 persons`)
      .waitFor();

    await openTab('Metrics');
    await waitFor('the new row in Metrics', () => metricsRow(NAME), 20_000);
    expect(await metricsRow(NAME)).toEqual(cliMetrics);
  }, 300_000);

  it('says "already listed" when the same model is added again', async () => {
    await openTab('Runs');
    const form = page.getByRole('region', { name: 'Add model' });
    await form.getByLabel('Model file (.onnx)').fill(modelCopy);
    await form.getByLabel('Name', { exact: true }).fill('another name');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    const result = form.getByRole('status', { name: 'Add model result' });
    await result.getByText(/already listed/).waitFor();
    expect(await result.innerText()).not.toMatch(/^Added/);
    expect((await call<VariantSummary[]>('variants:list')).filter((v) => v.source === path.basename(modelCopy))).toHaveLength(1);
  }, 300_000);

  it('renames, hides (the variant leaves Metrics) and shows it again', async () => {
    await page.getByRole('button', { name: `Details of ${NAME}`, exact: true }).click();
    await details(NAME).getByRole('button', { name: 'Rename', exact: true }).click();
    await details(NAME).getByLabel(`New name for ${NAME}`).fill(RENAMED);
    await details(NAME).getByRole('button', { name: 'Save name' }).click();
    await variantRow(RENAMED).waitFor();
    expect((await variant())?.name).toBe(RENAMED);

    await details(RENAMED).getByRole('button', { name: 'Hide', exact: true }).click();
    await variantRow(RENAMED).getByText('hidden', { exact: true }).waitFor();
    expect((await variant())?.hidden).toBe(true);
    await openTab('Metrics');
    await page.getByRole('table', { name: 'PCKh per joint' }).waitFor();
    await waitFor('the hidden variant out of Metrics', async () => ((await metricsRow(RENAMED)) === undefined ? true : undefined), 20_000);
    // Nor is it offered by the pickers of the other views.
    await openTab('Failures');
    await page.getByLabel('Variant', { exact: true }).waitFor();
    expect(await page.getByLabel('Variant', { exact: true }).locator('option').allInnerTexts()).not.toContain(RENAMED);
    await openTab('Browse');
    expect(await page.getByLabel('Overlay').locator('option').allInnerTexts()).not.toContain(RENAMED);
    await openTab('Compare');
    await page.getByRole('group', { name: 'Variants to compare' }).waitFor();
    expect(await page.getByRole('group', { name: 'Variants to compare' }).getByRole('button', { name: RENAMED }).count()).toBe(0);

    await openTab('Runs');
    await details(RENAMED).getByRole('button', { name: 'Show', exact: true }).click();
    await waitFor('shown again', async () => ((await variant())?.hidden === false ? true : undefined), 10_000);
    await variantRow(RENAMED).getByText('hidden', { exact: true }).waitFor({ state: 'detached' });
    await openTab('Metrics');
    expect(await waitFor('the variant back in Metrics', () => metricsRow(RENAMED), 20_000)).toEqual(cliMetrics);
  }, 300_000);

  it('edits its options: stale until run again, then the new numbers', async () => {
    await openTab('Runs');
    const box = details(RENAMED);
    await box.getByRole('button', { name: 'Edit options' }).click();
    // The sidecar's value shows what "sidecar's" means for this model.
    expect(await box.getByLabel('Flip test').locator('option').first().innerText()).toBe('sidecar’s (on)');
    await box.getByLabel('Flip test').selectOption('off');
    await box.getByRole('button', { name: 'Save options' }).click();
    const stale = page.getByRole('note', { name: `${RENAMED} is stale` });
    await stale.waitFor();
    expect(await stale.innerText()).toMatch(/^stale: /);
    expect((await variant())?.optionsLabel).toBe('no flip test');
    await variantRow(RENAMED).getByText('no flip test').waitFor();
    await fitsAtEveryViewport('Runs with a stale note');
    await screenshotsAt(page, 'variants-runs-stale', VIEWPORTS, () => variantRow(RENAMED).evaluate((row) => row.scrollIntoView({ block: 'start' })));

    await page.getByLabel(`Run ${RENAMED}`).check();
    await page.getByRole('button', { name: /Start run/ }).click();
    await waitFor(
      'the run with the new options',
      async () => {
        const v = await variant();
        return v !== undefined && v.stale === null && v.status === 'ready' ? v : undefined;
      },
      240_000,
    );
    await allSettled('the run to settle');
    await stale.waitFor({ state: 'detached' });
    await openTab('Metrics');
    const flipOff = await waitFor(
      'new numbers',
      async () => {
        const row = await metricsRow(RENAMED);
        return row !== undefined && JSON.stringify(row) !== JSON.stringify(cliMetrics) ? row : undefined;
      },
      20_000,
    );
    // Without flip test the copy is the demo heatmap model as its own sidecar sets it: the same numbers.
    expect(flipOff).toEqual(await metricsRow('demo_heatmap_256'));

    // Started again unchanged, the run reuses the last one and says so.
    await openTab('Runs');
    const runsBefore = (await call<RunSummary[]>('runs:list')).length;
    await page.getByRole('button', { name: /Start run/ }).click();
    await waitFor('the reusing run', async () => ((await call<RunSummary[]>('runs:list')).length > runsBefore ? true : undefined), 20_000);
    await allSettled('the reusing run to settle');
    await page
      .getByRole('group', { name: /^Run r\d+$/ })
      .first()
      .getByText(`${RENAMED}: unchanged since its last run: reused`)
      .waitFor();
  }, 300_000);

  it('shows every manifest field and the latency history in the details row; Re-measure latency adds a row', async () => {
    await openTab('Runs');
    const box = details(RENAMED);
    const info = await call<VariantDetails>('variants:details', { variantId });
    const current = info.runs.find((run) => run.current);
    expect(current?.manifest).toBeTruthy();
    const m = current!.manifest!;
    const manifest = box.getByRole('group', { name: 'Run manifest' });
    await manifest.waitFor();
    const field = async (label: string) => {
      const row = manifest.locator('.manifest-row').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label.replace(/[()]/g, '\\$&')}$`) }) });
      expect(await row.count(), label).toBe(1);
      return row.locator('dd');
    };
    const text = async (label: string) => (await (await field(label)).innerText()).trim();

    const bytes = readFileSync(modelCopy);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(await text('Model file')).toBe(path.basename(modelCopy));
    expect(await text('Size')).toMatch(/KiB|MiB| B$/);
    expect(await (await field('Size')).locator('span').getAttribute('title')).toBe(`${statSync(modelCopy).size} bytes`);
    expect(await text('SHA-256')).toBe(`${sha256.slice(0, 12)}…`);
    expect(await (await field('SHA-256')).locator('span').getAttribute('title')).toBe(sha256);
    expect(await text('Head type')).toBe('heatmap');
    expect(await text('Decoder options in effect')).toMatch(/flipTest: false/);
    expect(await text('Input size')).toBe('256×256');
    expect(await text('Colour order')).toBe('RGB');
    expect(await text('Mean')).toBe('0.485, 0.456, 0.406');
    expect(await text('Std')).toBe('0.229, 0.224, 0.225');
    expect(await text('Protocol')).toBe('mmpose0x');
    expect(await text('Dataset root')).toBe(m.dataset.root);
    expect(path.resolve(m.dataset.root)).toBe(path.resolve(datasetDir));
    expect(await (await field('Dataset fingerprint')).locator('span').getAttribute('title')).toBe(m.dataset.fingerprint);
    expect(await text('GT revision')).toBe(String(m.dataset.gtRevision));
    expect(await text('Persons')).toBe('200');
    const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(await text('posebench')).toContain(pkg.version);
    if (m.posebench.commit !== null) expect(await (await field('posebench')).locator('span.mono').getAttribute('title')).toBe(m.posebench.commit);
    if (m.posebench.dirty) expect(await text('posebench')).toContain('(dirty)');
    expect(await text('onnxruntime-node')).toBe(m.runtime.onnxruntimeNode ?? '–');
    expect(await text('onnxruntime-node')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await text('Intra/inter-op threads')).toBe('1 / 1');
    expect(await text('CPU')).toBe(m.machine.cpuModel);
    expect(await text('Cores')).toBe(String(m.machine.cores));
    expect(await text('OS')).toBe(m.machine.os);
    expect(await (await field('Started')).locator('span').getAttribute('title')).toBe(m.startedAt);
    expect(await (await field('Finished')).locator('span').getAttribute('title')).toBe(m.finishedAt);
    expect(await text('Persons done')).toBe(String(m.personsDone));
    expect(await text('Persons failed')).toBe('0');
    if (m.latency !== null) {
      expect(await text('Latency')).toMatch(new RegExp(`^n = ${m.latency.n} .* median .* p5 .* p95 .* IQR `));
    } else {
      expect(await text('Latency')).toBe(m.latencyError ?? 'not measured');
    }

    // Run history: newest first, the current one marked.
    const runs = box.getByRole('table', { name: 'Run history' });
    expect(await runs.locator('tbody tr').count()).toBe(info.runs.length);
    expect(info.runs.length).toBeGreaterThanOrEqual(2);
    expect(await runs.locator('tbody tr').first().getByText('current').count()).toBe(1);

    // Latency history, then one more row from Re-measure latency.
    const history = box.getByRole('table', { name: 'Latency history' });
    const before = info.latencyHistory.length;
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await history.locator('tbody tr').count()).toBe(before);
    expect(await history.locator('tbody tr').first().locator('td').last().innerText()).toBe(`run ${current!.runId}`);
    // The variant's row at the top, its details below it.
    const rowToTop = () => variantRow(RENAMED).evaluate((row) => row.scrollIntoView({ block: 'start' }));
    await fitsAtEveryViewport('Runs with a details row');
    await screenshotsAt(page, 'variants-runs-details', VIEWPORTS, rowToTop);
    await box.getByRole('button', { name: 'Re-measure latency' }).click();
    await waitFor('one more latency row', async () => ((await history.locator('tbody tr').count()) === before + 1 ? true : undefined), 60_000);
    const newest = history.locator('tbody tr').first().locator('td');
    expect(await newest.last().innerText()).toBe('re-measured');
    expect(await newest.nth(3).innerText()).toBe('50');
    expect(await newest.nth(2).innerText()).toMatch(/^\d+\.\d+–\d+\.\d+$/);
  }, 300_000);

  it('removes it after a confirmation that names what goes', async () => {
    const box = details(RENAMED);
    const info = await call<VariantDetails>('variants:details', { variantId });
    await box.getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByRole('alertdialog', { name: `Remove ${RENAMED}?` });
    await dialog.waitFor();
    const { runs, predictions, latencyMeasurements } = info.removes;
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(predictions).toBeGreaterThanOrEqual(200);
    expect(latencyMeasurements).toBeGreaterThanOrEqual(2);
    expect(await dialog.locator('p').innerText()).toBe(
      `Remove ${RENAMED} with ${runs} runs, ${predictions} stored predictions and ${latencyMeasurements} latency measurements? The model file is not touched.`,
    );
    await fitsAtEveryViewport('Runs with the remove confirmation');
    await screenshotsAt(page, 'variants-remove-confirmation', VIEWPORTS, () => dialog.scrollIntoViewIfNeeded());
    await dialog.getByRole('button', { name: `Remove ${RENAMED}` }).click();
    await variantRow(RENAMED).waitFor({ state: 'detached' });
    await page.getByRole('status', { name: 'Variant notice' }).waitFor();
    expect((await call<VariantSummary[]>('variants:list')).some((v) => v.id === variantId)).toBe(false);
    expect(existsSync(modelCopy)).toBe(true);
    await openTab('Metrics');
    await page.getByRole('table', { name: 'PCKh per joint' }).waitFor();
    await waitFor('gone from Metrics', async () => ((await metricsRow(RENAMED)) === undefined ? true : undefined), 20_000);
    expect(await metricsRow('demo_heatmap_256')).toBeDefined();
  }, 300_000);
});
