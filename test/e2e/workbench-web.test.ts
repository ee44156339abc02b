/**
 * The workbench in Chromium against `posebench serve`'s host on a real temp workspace with the demo:
 * per-joint table equals the CLI's numbers (under either PCKh protocol), Failures for a wrist, Browse,
 * Compare, start and cancel a run. Any console error or page error fails the test. Screenshots of every view go to
 * test-artifacts/screenshots/.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { METRIC_COLUMNS, type CropPreparationStatus, type DatasetSummary, type RunSummary, type VariantSummary } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { applyCorrection, effectiveAnnotations } from '../../src-main/store/corrections-repo.ts';
import { openWorkbench } from '../../src-main/workbench/workbench.ts';
import {
  api,
  cliEvalDemo,
  ensureRendererBuilt,
  HAS_CHROMIUM,
  openBrowser,
  screenshot,
  tempDir,
  waitFor,
  type BrowserSession,
  type CliEvalJson,
} from './e2e-support.ts';

if (!HAS_CHROMIUM) console.warn('[skip] web workbench e2e: /usr/bin/chromium is missing (apt-get install chromium)');

describe.skipIf(!HAS_CHROMIUM)('workbench in the browser (web host, demo workspace)', () => {
  let host: WebHost;
  let browser: BrowserSession;
  let page: Page;
  let cli: CliEvalJson;
  let cliDb: string;
  let demoDir: string;

  beforeAll(async () => {
    const dir = tempDir('posebench-e2e-');
    await ensureRendererBuilt();
    // Generate the demo once up front, so the CLI and the host below never both generate it.
    demoDir = (await ensureDemo(PROJECT_ROOT)).datasetDir;
    cliDb = path.join(dir, 'cli.sqlite');
    const cliResult = cliEvalDemo(cliDb);
    host = await startWebHost({ db: path.join(dir, 'workspace.sqlite'), log: () => undefined });
    // The demo's models are run when the demo is first opened; wait for that run.
    await waitFor('the demo run', async () => {
      const runs = await api<RunSummary[]>(host.url, host.token, 'runs:list');
      return runs.length > 0 && runs.every((r) => r.status !== 'running') ? runs : undefined;
    });
    cli = await cliResult;
    browser = await openBrowser();
    page = browser.page;
    await page.goto(host.url);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  /** The CLI's numbers as the table displays them (2 decimals), per variant name. */
  const displayed = (report: CliEvalJson): Record<string, string[]> =>
    Object.fromEntries(
      report.variants.map((v) => [
        v.variant,
        METRIC_COLUMNS.map((column) => {
          const value = v.metrics[column];
          return value === null || value === undefined ? '–' : value.toFixed(2);
        }),
      ]),
    );

  /** The per-joint table's metric cells as shown, per variant name (only the names in `names`). */
  const shownTable = async (names: readonly string[]): Promise<Record<string, string[]>> => {
    const table = page.getByRole('table', { name: 'PCKh per joint' });
    const out: Record<string, string[]> = {};
    for (const name of names) {
      const row = table.locator('tbody tr', { has: page.getByRole('rowheader', { name, exact: true }) });
      const cells = await row.locator('td').allInnerTexts();
      out[name] = cells.slice(0, METRIC_COLUMNS.length).map((text) => text.replace(/[^\d.–-]/g, ''));
    }
    return out;
  };

  it('shows the per-joint table with exactly the CLI numbers', async () => {
    const table = page.getByRole('table', { name: 'PCKh per joint' });
    await table.waitFor();
    const headers = await table.locator('thead th').allInnerTexts();
    expect(headers.slice(1, 1 + METRIC_COLUMNS.length)).toEqual([...METRIC_COLUMNS]);
    expect(cli.variants.length).toBeGreaterThanOrEqual(2);
    expect(await page.getByLabel('PCKh protocol').inputValue()).toBe('mmpose0x');
    const want = displayed(cli);
    expect(await shownTable(Object.keys(want))).toEqual(want);
    // Best per column is marked.
    expect(await table.locator('td.best').count()).toBeGreaterThanOrEqual(METRIC_COLUMNS.length);
    await expect(page.getByRole('img', { name: /PCKh at 0.5 per joint and variant/ }).count()).resolves.toBe(1);
    await expect(page.getByRole('img', { name: /PCKh \(percent\) vs normalised distance threshold/ }).count()).resolves.toBe(1);
    const perf = await page.evaluate(() => window.__posebenchPerf?.records.filter((r) => r.name === 'metrics-table-render').map((r) => r.ms) ?? []);
    expect(perf.length).toBeGreaterThan(0);
    await screenshot(page, 'metrics');
  });

  it('switches the PCKh protocol to mmpose1x and back, each time showing the CLI numbers for it', async () => {
    // On the demo the two protocols agree to 2 decimals, so the GT is made to tell them apart first:
    // instance 0's head box collapsed to a point (spec §3 item 6: 0.x scores that person's joints as
    // misses, 1.x leaves the person out at 0.5 and counts it in the 0.1 sweep). The same correction
    // goes into the CLI's workspace, so `posebench eval` scores the same ground truth.
    const box = [120, 40, 120, 40] as const;
    const workbench = openWorkbench({ datasetRoot: demoDir, dbFile: cliDb });
    try {
      const first = effectiveAnnotations(workbench.workspace, workbench.datasetRecord.id).instances[0]!;
      applyCorrection(workbench.workspace, { instanceId: first.id, kind: 'headbox', box: [...box] });
    } finally {
      workbench.close();
    }
    const corrected = await api<{ history: { gtRevision: number } }>(host.url, host.token, 'corrections:apply', {
      instanceIndex: 0,
      edit: { kind: 'headbox', box: [...box] },
    });
    try {
      const cli0 = displayed(await cliEvalDemo(cliDb));
      const cli1 = displayed(await cliEvalDemo(cliDb, ['--protocol', 'mmpose1x']));
      const names = Object.keys(cli0);
      expect(Object.keys(cli1)).toEqual(names);
      expect(cli1, 'the corrected GT must separate the protocols').not.toEqual(cli0);

      const heading = page.locator('#metrics-table-title');
      const selector = page.getByLabel('PCKh protocol');
      await heading.getByText(`GT revision ${corrected.history.gtRevision}`).waitFor();
      await waitFor(
        'the 0.x table of the corrected GT',
        async () => (JSON.stringify(await shownTable(names)) === JSON.stringify(cli0) ? true : undefined),
        20_000,
      );

      await selector.selectOption('mmpose1x');
      await heading.locator('.protocol-name', { hasText: 'mmpose1x' }).waitFor();
      const note = heading.locator('.protocol-note');
      expect(await note.innerText()).toMatch(/strict <.*json GT as float32/);
      expect(await note.getAttribute('title')).toMatch(/strict <, not <=/);
      await waitFor('the 1.x table', async () => (JSON.stringify(await shownTable(names)) === JSON.stringify(cli1) ? true : undefined), 20_000);
      expect(await shownTable(names)).toEqual(cli1);
      await screenshot(page, 'metrics-mmpose1x');

      // A reload keeps the choice.
      await page.reload();
      await heading.locator('.protocol-name', { hasText: 'mmpose1x' }).waitFor();
      expect(await selector.inputValue()).toBe('mmpose1x');
      await waitFor('the 1.x table after a reload', async () => (JSON.stringify(await shownTable(names)) === JSON.stringify(cli1) ? true : undefined), 20_000);

      await selector.selectOption('mmpose0x');
      await heading.locator('.protocol-name', { hasText: 'mmpose0x' }).waitFor();
      expect(await heading.locator('.protocol-note').count()).toBe(0);
      await waitFor('the 0.x table again', async () => (JSON.stringify(await shownTable(names)) === JSON.stringify(cli0) ? true : undefined), 20_000);
      expect(await shownTable(names)).toEqual(cli0);
    } finally {
      // The later tests see the demo's own GT again.
      await api(host.url, host.token, 'corrections:undo');
    }
    await waitFor(
      'the original 0.x table',
      async () => (JSON.stringify(await shownTable(Object.keys(displayed(cli)))) === JSON.stringify(displayed(cli)) ? true : undefined),
      20_000,
    );
  });

  it('opens Failures for the left wrist, worst first, with the tolerance circle', async () => {
    await page.getByRole('tab', { name: 'Failures' }).click();
    await page.getByLabel('Joint', { exact: true }).selectOption({ label: 'left wrist' });
    const table = page.getByRole('table', { name: /Failures for left wrist/ });
    await table.locator('tbody tr').first().waitFor();
    const errors = (await table.locator('tbody tr td:nth-child(4)').allInnerTexts()).map((t) => (t === '∞' || t === 'not predicted' ? Infinity : Number(t)));
    expect(errors.length).toBeGreaterThan(5);
    for (let i = 1; i < errors.length; i++) expect(errors[i]!).toBeLessThanOrEqual(errors[i - 1]!);
    await table.locator('tbody tr').first().click();
    await page.getByRole('img', { name: /PCKh tolerance circle for left wrist/ }).waitFor();
    const variantName = await page.getByLabel('Variant', { exact: true }).locator('option:checked').innerText();
    expect(await page.getByRole('img', { name: 'left wrist (ground truth)', exact: true }).count()).toBe(1);
    expect(await page.getByRole('img', { name: `left wrist (${variantName})`, exact: true }).count()).toBe(1);
    await screenshot(page, 'failures');
  });

  it('browses the virtualised grid with thumbnails and keyboard navigation', async () => {
    await page.getByRole('tab', { name: 'Browse' }).click();
    const variants = await api<VariantSummary[]>(host.url, host.token, 'variants:list');
    await page.getByLabel('Overlay').selectOption({ label: variants[0]!.name });
    const grid = page.getByRole('grid', { name: 'Instances' });
    await grid.getByRole('gridcell').first().waitFor();
    const rendered = await grid.getByRole('gridcell').count();
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(200); // virtualised: not every instance is in the DOM
    await waitFor(
      'thumbnails',
      async () =>
        (await grid
          .locator('img')
          .first()
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
          ? true
          : undefined,
      30_000,
    );
    expect(
      await grid
        .locator('img')
        .first()
        .evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBe(160);
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    // The instance view shows the full image behind the skeletons: wait for it before the screenshot.
    const fullImage = page.waitForResponse((response) => response.url().includes('/media/img/') && response.status() === 200);
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Instance 1' }).waitFor();
    await page.getByRole('img', { name: 'head top (ground truth)' }).waitFor();
    await fullImage;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await screenshot(page, 'browse');
  });

  it('compares two variants with linked panes and the hit/miss filter', async () => {
    await page.getByRole('tab', { name: 'Compare' }).click();
    const delta = page.getByRole('table', { name: 'Difference to baseline' });
    await delta.locator('tbody tr').nth(1).waitFor();
    expect(await delta.locator('tbody tr').count()).toBe(2);
    await page.getByRole('img', { name: /Latency .* vs PCKh/ }).waitFor();
    // Pick a relation that has instances (asked through the same API the page uses).
    const evaluatedIds = (await api<VariantSummary[]>(host.url, host.token, 'variants:list')).filter((v) => v.evaluated).map((v) => v.id);
    const relations = ['a-hit-b-miss', 'a-miss-b-hit', 'both-miss', 'both-hit'] as const;
    let relation: (typeof relations)[number] | undefined;
    let expectedTotal = 0;
    for (const candidate of relations) {
      const result = await api<{ total: number }>(host.url, host.token, 'compare:filter', {
        a: evaluatedIds[0],
        b: evaluatedIds[1],
        joint: 15,
        relation: candidate,
      });
      if (result.total > 0) {
        relation = candidate;
        expectedTotal = result.total;
        break;
      }
    }
    expect(relation).toBeDefined();
    await page.getByLabel('Filter', { exact: true }).selectOption(relation!);
    await page.getByText(`${expectedTotal} instances on left wrist`).waitFor();
    const panes = page.locator('.pane');
    await panes.nth(1).locator('svg > g').waitFor();
    await panes.first().getByRole('button', { name: 'Zoom in' }).click();
    await panes.first().getByRole('button', { name: 'Zoom in' }).click();
    const transforms = await panes.locator('svg > g').evaluateAll((gs) => gs.map((g) => g.getAttribute('transform')));
    expect(transforms.length).toBe(2);
    expect(transforms[0]).toBe(transforms[1]);
    expect(transforms[0]).toMatch(/scale\(/);
    await screenshot(page, 'compare');
  });

  it('starts a run with a progress bar and cancels it', async () => {
    await page.getByRole('tab', { name: 'Runs' }).click();
    const variants = await api<VariantSummary[]>(host.url, host.token, 'variants:list');
    const models = variants.filter((v) => v.kind === 'model');
    for (const model of models) await page.getByLabel(`Run ${model.name}`).check();
    // The demo variants are done and unchanged: Start would reuse their runs, so ask for a fresh run.
    await page.getByLabel('Run again even if unchanged').check();
    // With the crops prepared a run of the demo takes seconds, so it may end before Cancel lands:
    // then start another.
    let cancelled: RunSummary | undefined;
    for (let attempt = 0; attempt < 3 && cancelled === undefined; attempt++) {
      await page.getByRole('button', { name: /Start run/ }).click();
      const cancel = page.getByRole('button', { name: 'Cancel' });
      await cancel.waitFor();
      await page.getByRole('progressbar').first().waitFor();
      if (attempt === 0) await screenshot(page, 'runs-progress');
      await cancel.click({ timeout: 5_000 }).catch(() => undefined);
      const ended = await waitFor('the run to end', async () => {
        const newest = (await api<RunSummary[]>(host.url, host.token, 'runs:list'))[0];
        return newest !== undefined && newest.status !== 'running' ? newest : undefined;
      });
      if (ended.status === 'cancelled') cancelled = ended;
    }
    expect(cancelled, 'a run cancelled before it ended').toBeDefined();
    await page.getByText('cancelled', { exact: true }).first().waitFor();
    // Cancelling keeps the earlier complete results.
    const after = await api<VariantSummary[]>(host.url, host.token, 'variants:list');
    for (const model of after.filter((v) => v.kind === 'model')) expect(model.evaluated).toBe(true);
    await screenshot(page, 'runs');
  });

  it("prepares the crops of the demo models' input size when no run is active, and says so in Runs", async () => {
    const status = await waitFor(
      'crop preparation done',
      async () => {
        const s = await api<CropPreparationStatus>(host.url, host.token, 'crops:status');
        return s.state === 'done' ? s : undefined;
      },
      120_000,
    );
    const dataset = await api<DatasetSummary>(host.url, host.token, 'dataset:summary');
    expect(status).toMatchObject({ sizes: ['256x256'], imagesDone: status.imagesTotal, note: null });
    expect(status.imagesTotal).toBe(dataset.imageCount);
    // The demo runs wrote most crops already (same cache); preparation made the rest.
    expect(status.cropsFound + status.cropsMade).toBeGreaterThan(0);
    expect(status.cropsFound + status.cropsMade).toBeLessThanOrEqual(dataset.personCount);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page
      .getByRole('status', { name: 'Crop preparation' })
      .getByText(/Crops for 256×256 prepared/)
      .waitFor();
    await screenshot(page, 'runs-crops-prepared');
  });
});
