/**
 * Issue 14 ("the app as a newcomer meets it") on the web host with the demo: no view overflows
 * horizontally at 1024×700 or 1440×900 (screenshots of each); Failures follows the current list
 * and arrow keys move its selection; view state lives in the URL (reload, back, a copied link);
 * the curve legend's AUC follows the joint selector. Any console error fails the test.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunSummary, VariantSummary } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { writeFileSync } from 'node:fs';
import { writeSyntheticDataset } from '../unit/export/export-test-support.ts';
import { takeBrowserProblems } from '../support/browser-problems.ts';
import {
  api,
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

if (!HAS_CHROMIUM) console.warn('[skip] newcomer e2e: /usr/bin/chromium is missing (apt-get install chromium)');

const settle = (page: Page) => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));

describe.skipIf(!HAS_CHROMIUM)('the app as a newcomer meets it (web host, demo)', () => {
  let host: WebHost;
  let browser: BrowserSession;
  let page: Page;
  let variants: VariantSummary[] = [];

  beforeAll(async () => {
    const dir = tempDir('posebench-newcomer-');
    await ensureRendererBuilt();
    await ensureDemo(PROJECT_ROOT);
    host = await startWebHost({ db: path.join(dir, 'workspace.sqlite'), log: () => undefined });
    await waitFor(
      'the demo run',
      async () => {
        const runs = await api<RunSummary[]>(host.url, host.token, 'runs:list');
        return runs.length > 0 && runs.every((r) => r.status !== 'running') ? runs : undefined;
      },
      240_000,
    );
    variants = (await api<VariantSummary[]>(host.url, host.token, 'variants:list')).filter((v) => v.evaluated);
    browser = await openBrowser();
    page = browser.page;
    await page.goto(host.url);
  }, 300_000);

  let hostClosed = false;
  afterAll(async () => {
    await browser?.close();
    if (!hostClosed) await host?.close();
  });

  const tab = async (name: string) => {
    await page.getByRole('tab', { name }).click();
    await page.getByRole('tab', { name, selected: true }).waitFor();
  };

  /** Opens each view in a state a newcomer reaches; the overflow check and screenshots follow. */
  const VIEWS: readonly { name: string; prepare: () => Promise<void> }[] = [
    { name: 'Metrics', prepare: async () => void (await page.getByRole('table', { name: 'PCKh per joint' }).waitFor()) },
    {
      name: 'Failures',
      prepare: async () => {
        const rows = page.getByRole('table', { name: /^Failures for/ }).locator('tbody tr');
        await rows.first().click();
        await page.locator('.instance-panel svg image').first().waitFor();
      },
    },
    {
      name: 'Browse',
      prepare: async () => {
        const grid = page.getByRole('grid', { name: 'Instances' });
        await grid.getByRole('gridcell').first().click();
        await page.getByRole('region', { name: /^Instance \d+$/ }).waitFor();
        await page.locator('.instance-panel svg image').first().waitFor();
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
      },
    },
    { name: 'Compare', prepare: async () => void (await page.locator('.pane').first().waitFor()) },
    {
      name: 'Annotate',
      prepare: async () => {
        await page.getByRole('region', { name: /^Annotate instance/ }).waitFor();
        await page
          .getByRole('table', { name: /changed/i })
          .or(page.getByText(/No verdict changed|no corrections/i))
          .first()
          .waitFor({ timeout: 30_000 })
          .catch(() => undefined);
      },
    },
    { name: 'Runs', prepare: async () => void (await page.getByRole('table').first().waitFor()) },
  ];

  it('no view overflows sideways at 1024×700 or 1440×900 (screenshots of each)', async () => {
    const problems: string[] = [];
    for (const view of VIEWS) {
      await tab(view.name);
      await view.prepare();
      await screenshotsAt(page, `newcomer-${view.name.toLowerCase()}`, VIEWPORTS, async () => {
        await settle(page);
        const size = page.viewportSize();
        for (const overflow of await horizontalOverflow(page)) problems.push(`${view.name} at ${size?.width}x${size?.height}: ${overflow}`);
      });
    }
    expect(problems).toEqual([]);
  });

  /** The instance shown in the Failures / Browse pane. */
  const paneInstance = async (): Promise<number> => {
    const region = page.locator('section.instance-panel');
    await region.waitFor();
    return Number((await region.getAttribute('aria-label'))!.replace('Instance ', ''));
  };
  const failureRows = () => page.getByRole('table', { name: /^Failures for/ }).locator('tbody tr');
  const firstRowInstance = async (): Promise<number> => Number(await failureRows().first().locator('td').nth(1).innerText());

  it('Failures: the pane follows the list after a switch of joint and variant; arrow keys move the selection', async () => {
    await tab('Failures');
    await failureRows().first().click();
    expect(await paneInstance()).toBe(await firstRowInstance());
    await page.getByLabel('Joint', { exact: true }).selectOption({ label: 'right ankle' });
    await page.getByRole('table', { name: 'Failures for right ankle, worst first' }).waitFor();
    await waitFor('the pane on the new list', async () => ((await paneInstance()) === (await firstRowInstance()) ? true : undefined), 15_000);
    await page.getByLabel('Variant', { exact: true }).selectOption({ label: variants[1]!.name });
    await waitFor(
      "the pane on the new variant's list",
      async () => {
        const first = await firstRowInstance();
        const focus = await page.locator('section.instance-panel header').innerText();
        return (await paneInstance()) === first && focus.includes('right ankle') ? true : undefined;
      },
      15_000,
    );
    // The pane names the variant it shows.
    await page.getByRole('img', { name: `right ankle (${variants[1]!.name})`, exact: true }).waitFor();
    await failureRows().first().focus();
    await page.keyboard.press('ArrowDown');
    const second = Number(await failureRows().nth(1).locator('td').nth(1).innerText());
    await waitFor('ArrowDown opens the next row', async () => ((await paneInstance()) === second ? true : undefined), 10_000);
    expect(await failureRows().nth(1).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('ArrowUp');
    await waitFor('ArrowUp goes back', async () => ((await paneInstance()) === (await firstRowInstance()) ? true : undefined), 10_000);
  });

  it('view state is in the URL: reload, back/forward and a copied link restore it', async () => {
    await tab('Failures');
    await page.getByLabel('Joint', { exact: true }).selectOption({ label: 'left knee' });
    await page.getByLabel('Variant', { exact: true }).selectOption({ label: variants[1]!.name });
    await page.getByRole('table', { name: 'Failures for left knee, worst first' }).waitFor();
    await failureRows().nth(2).click();
    const opened = Number(await failureRows().nth(2).locator('td').nth(1).innerText());
    await waitFor('the pane', async () => ((await paneInstance()) === opened ? true : undefined), 10_000);
    const url = page.url();
    expect(url).toContain('#failures?');
    expect(url).toContain(`open=${opened}`);
    expect(url).toContain(`fv=${encodeURIComponent(variants[1]!.id)}`);

    const restored = async () => {
      await page.getByRole('tab', { name: 'Failures', selected: true }).waitFor();
      await page.getByRole('table', { name: 'Failures for left knee, worst first' }).waitFor();
      expect(await page.getByLabel('Variant', { exact: true }).locator('option:checked').innerText()).toBe(variants[1]!.name);
      await waitFor('the open instance', async () => ((await paneInstance()) === opened ? true : undefined), 15_000);
    };
    await page.reload();
    await restored();

    await tab('Compare');
    await page.goBack();
    await restored();
    await page.goForward();
    await page.getByRole('tab', { name: 'Compare', selected: true }).waitFor();

    // A copied link, in a fresh page.
    const other = await browser.context.newPage();
    try {
      await other.goto(url);
      await other.getByRole('tab', { name: 'Failures', selected: true }).waitFor();
      await other.getByRole('region', { name: `Instance ${opened}` }).waitFor();
    } finally {
      await other.close();
    }

    // Annotate's instance and joint.
    await page.goto(`${host.url}#annotate?ai=7&aj=15`);
    await page.getByRole('region', { name: 'Annotate instance 7' }).waitFor();
    expect(await page.getByRole('combobox', { name: 'Selected joint' }).inputValue()).toBe('15');
    await page.reload();
    await page.getByRole('region', { name: 'Annotate instance 7' }).waitFor();
  });

  it('Browse: arrow keys keep the open pane on the selected instance', async () => {
    await page.goto(`${host.url}#browse`);
    const grid = page.getByRole('grid', { name: 'Instances' });
    await grid.getByRole('gridcell').first().click();
    expect(await paneInstance()).toBe(0);
    await grid.focus();
    await page.keyboard.press('ArrowRight');
    await waitFor('the pane on instance 1', async () => ((await paneInstance()) === 1 ? true : undefined), 10_000);
  });

  it('the curve legend shows the AUC of the selected joint', async () => {
    await tab('Metrics');
    const curves = await api<{ thresholds: number[]; series: { variantName: string; perJoint: (number | null)[][]; auc: number | null }[] }>(
      host.url,
      host.token,
      'metrics:curves',
      {},
    );
    const legend = page.locator('section[aria-labelledby="curves-title"]');
    await legend.getByText(`${curves.series[0]!.variantName} · AUC ${curves.series[0]!.auc!.toFixed(1)}`).waitFor();
    await page.getByLabel('Curve joint').selectOption({ label: 'left wrist' });
    const t = curves.thresholds;
    for (const series of curves.series) {
      const values = series.perJoint[15]!;
      let area = 0;
      for (let r = 1; r < t.length; r++) area += (t[r]! - t[r - 1]!) * (values[r - 1]! + values[r]!) * 0.5;
      const auc = area / (t[t.length - 1]! - t[0]!);
      await legend.getByText(`${series.variantName} · AUC ${auc.toFixed(1)}`, { exact: true }).waitFor();
    }
    await legend.getByText('AUC of left wrist').waitFor();
  });

  it('joints are drawn at pixel centres: the image starts half a pixel before 0', async () => {
    await page.goto(`${host.url}#failures`);
    await failureRows().first().click();
    const image = page.locator('.instance-panel svg image');
    await image.waitFor();
    expect(await image.getAttribute('x')).toBe('-0.5');
    expect(await image.getAttribute('y')).toBe('-0.5');
    // The tolerance circle has a dark outline under its white dashes.
    expect(await page.locator('.instance-panel svg circle[stroke="rgba(0,0,0,0.75)"]').count()).toBeGreaterThan(0);
  });

  it('Annotate: the image fills the editor as its free space changes, until the user zooms', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${host.url}#annotate?ai=2`);
    await page.getByRole('region', { name: 'Annotate instance 2' }).waitFor();
    const transform = () => page.locator('.editor .viewer svg > g').first().getAttribute('transform');
    const scaleOf = async () => Number(/scale\(([\d.]+)\)/.exec((await transform()) ?? '')?.[1]);
    // The fit settles over a few frames (layout, then the image's size): take it once it holds.
    const steadyScale = async () => {
      let last = NaN;
      return waitFor(
        'a steady fitted view',
        async () => {
          await settle(page);
          const now = await scaleOf();
          const steady = now > 0 && now === last;
          last = now;
          return steady ? now : undefined;
        },
        10_000,
      );
    };
    const large = await steadyScale();
    await page.setViewportSize({ width: 1024, height: 700 });
    await waitFor('a refit to the smaller editor', async () => ((await scaleOf()) < large ? true : undefined), 10_000);
    const small = await steadyScale();
    await page.locator('.editor').getByRole('button', { name: 'Zoom in' }).click();
    const zoomed = await steadyScale();
    expect(zoomed).toBeGreaterThan(small);
    await page.setViewportSize({ width: 1440, height: 900 });
    await settle(page);
    await settle(page);
    expect(await scaleOf()).toBe(zoomed);
    await page.locator('.editor').getByRole('button', { name: 'Fit person' }).click();
    await waitFor('fit again', async () => (Math.abs((await scaleOf()) - large) < 1e-6 ? true : undefined), 10_000);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('Export panel: an mpii-json export with a head-box edit warns and points to mpii-mat', async () => {
    const gt = await api<{ headBox: [number, number, number, number] | null }>(host.url, host.token, 'corrections:instance', { instanceIndex: 3 });
    expect(gt.headBox).not.toBeNull();
    const [x1, y1, x2, y2] = gt.headBox!;
    await api(host.url, host.token, 'corrections:apply', { instanceIndex: 3, edit: { kind: 'headbox', box: [x1 - 1.23456, y1, x2, y2] } });
    await page.goto(`${host.url}#annotate`);
    await page.getByTestId('export-headbox-note').waitFor();
    const out = path.join(tempDir('posebench-newcomer-export-'), 'corrected.json');
    await page.getByLabel('Output file').fill(out);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const status = page.locator('section[aria-labelledby="export-title"] [role="status"]');
    await status.getByText(/Warning: head-box edits of 1 person are not in this file.*mpii-mat/).waitFor();
    expect(await status.getAttribute('class')).toContain('warn-note');
    await api(host.url, host.token, 'corrections:undo', {});
  });

  it('Metrics: a per-joint table with right and left side by side; pelvis and thorax marked as outside the mean', async () => {
    await page.goto(`${host.url}#metrics`);
    const table = page.getByRole('table', { name: 'Right and left, per body part' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(10); // 6 left/right pairs + head top, upper neck, pelvis, thorax = 16 joints
    const metrics = await api<{ perJoint: { variantName: string; pckh: (number | null)[] }[] }>(host.url, host.token, 'metrics:table', {});
    const wrist = await rows
      .filter({ has: page.getByRole('rowheader', { name: 'wrist', exact: true }) })
      .locator('td')
      .allInnerTexts();
    // Columns: R, L per variant; MPII right wrist 10, left wrist 15.
    metrics.perJoint.forEach((row, v) => {
      expect(wrist[2 * v]).toBe(row.pckh[10]!.toFixed(2));
      expect(wrist[2 * v + 1]).toBe(row.pckh[15]!.toFixed(2));
    });
    for (const part of ['pelvis', 'thorax']) {
      await table.getByRole('rowheader', { name: `${part} not in the mean` }).waitFor();
    }
    await page.locator('#joint-bars-title').getByText('pelvis and thorax (shaded) do not count in the mean').waitFor();
    expect(await page.locator('section[aria-labelledby="joint-bars-title"] rect.outside-mean').count()).toBe(2);
  });

  it('Compare: the filter compares any chosen pair of 3 variants; scatter labels do not overlap', async () => {
    await page.goto(`${host.url}#compare`);
    const chips = page.getByRole('group', { name: 'Variants to compare' });
    await chips.getByRole('button', { name: variants[2]!.name }).click();
    await page.getByRole('table', { name: 'Difference to baseline' }).locator('tbody tr').nth(2).waitFor();
    await page.getByRole('combobox', { name: 'Filter variant A' }).selectOption({ label: variants[2]!.name });
    await page.getByRole('combobox', { name: 'Filter variant B' }).selectOption({ label: variants[0]!.name });
    await page.getByRole('combobox', { name: 'Filter', exact: true }).selectOption('both-miss');
    const expected = await api<{ total: number }>(host.url, host.token, 'compare:filter', {
      a: variants[2]!.id,
      b: variants[0]!.id,
      joint: 15,
      relation: 'both-miss',
    });
    await page.getByText(`${expected.total} instances on left wrist`).waitFor();
    const options = await page.getByRole('combobox', { name: 'Filter', exact: true }).locator('option').allInnerTexts();
    expect(options).toEqual(['A hits, B misses', 'A misses, B hits', 'both miss', 'both hit']);
    const boxes = await page
      .locator('text.scatter-label')
      .evaluateAll((els) => els.map((el) => (el as SVGTextElement).getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBe(variants.length);
    const svg = await page.getByRole('img', { name: /Latency .* vs PCKh/ }).boundingBox();
    for (const [i, box] of boxes.entries()) {
      expect(box.left).toBeGreaterThanOrEqual(svg!.x - 0.5);
      expect(box.right).toBeLessThanOrEqual(svg!.x + svg!.width + 0.5);
      for (const other of boxes.slice(i + 1)) {
        const overlap = box.left < other.right - 0.5 && other.left < box.right - 0.5 && box.top < other.bottom - 0.5 && other.top < box.bottom - 0.5;
        expect(overlap).toBe(false);
      }
    }
  });

  it('imported predictions: a re-import says it was unchanged; Compare notes they are not in the scatter', async () => {
    const dataset = await api<{ personCount: number }>(host.url, host.token, 'dataset:summary', {});
    const preds: number[][][] = [];
    for (let i = 0; i < dataset.personCount; i++) {
      const gt = await api<{ joints: { xy: [number, number] | null }[] }>(host.url, host.token, 'corrections:instance', { instanceIndex: i });
      preds.push(gt.joints.map((joint) => (joint.xy ? [joint.xy[0] + 2, joint.xy[1] - 1] : [0, 0])));
    }
    const file = path.join(tempDir('posebench-newcomer-preds-'), 'gt-shifted.json');
    writeFileSync(file, JSON.stringify({ preds }));
    await page.goto(`${host.url}#runs`);
    const form = page.locator('section[aria-labelledby="import-title"]');
    await form.getByRole('textbox').fill(file);
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByText(/Imported gt-shifted/).waitFor({ timeout: 60_000 });
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByText(/gt-shifted: the file is unchanged since its last import; its numbers are reused/).waitFor({ timeout: 60_000 });
    await page.goto(`${host.url}#compare`);
    await page
      .getByTestId('scatter-missing-note')
      .getByText(/gt-shifted \(imported predictions\)/)
      .waitFor();
  });

  it('another dataset: Runs lists only its runs; a missing image says so in the Failures pane', async () => {
    const root = tempDir('posebench-newcomer-synthetic-');
    await writeSyntheticDataset(root);
    await api(host.url, host.token, 'workspace:open', { datasetDir: root });
    const preds = [0, 1, 2, 3].map((n) => Array.from({ length: 16 }, (_, j) => [100 + 20 * j + n - 0.5 + 3, 50 + 10 * j - 0.75]));
    const file = path.join(root, '..', `${path.basename(root)}-preds.json`);
    writeFileSync(file, JSON.stringify({ preds }));
    await api(host.url, host.token, 'variants:importPredictions', { file, coordinateBase: 0 });
    await page.goto(`${host.url}#runs`);
    await page.getByText('No runs on this dataset in this session yet.').waitFor();
    expect(await page.getByRole('group', { name: /^Run / }).count()).toBe(0);
    // Person 3's image (img_c.png) has no file.
    await page.goto(`${host.url}#failures?fj=15&open=3`);
    await page.getByRole('region', { name: 'Instance 3' }).waitFor();
    await page
      .getByRole('note')
      .getByText(/image missing: img_c\.png/)
      .waitFor();
    await screenshotsAt(page, 'newcomer-failures-image-missing', [VIEWPORTS[0]]);
    await api(host.url, host.token, 'workspace:open', { demo: true });
  });

  it('a page opened without the token says to use the URL posebench serve printed (and calls nothing)', async () => {
    const other = await browser.context.newPage();
    try {
      const calls: string[] = [];
      other.on('request', (request) => {
        if (request.url().includes('/api/') || request.url().includes('/events')) calls.push(request.url());
      });
      await other.goto(new URL('/', host.url).toString());
      await other.getByText('This page needs the address that').waitFor();
      await other.getByText('http://127.0.0.1:PORT/?token=…').waitFor();
      expect(calls).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('when the server stops, a banner says so (the socket keeps retrying)', async () => {
    await page.goto(`${host.url}#metrics`);
    await page.getByRole('table', { name: 'PCKh per joint' }).waitFor();
    await host.close();
    hostClosed = true;
    const banner = page.getByRole('alert').filter({ hasText: 'The posebench server stopped' });
    await banner.waitFor({ timeout: 20_000 });
    await screenshotsAt(page, 'newcomer-server-stopped', [VIEWPORTS[0]]);
    // The only console errors are the page's failed reconnects.
    const problems = takeBrowserProblems();
    expect(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p))).toEqual([]);
  });
});
