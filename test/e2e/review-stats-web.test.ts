/**
 * Issues 15/16 in Chromium through the web host: the ground-truth review (a planted L/R flip raised
 * by three imported prediction sets: accept with Enter → the swap correction exists, Ctrl+Z restores
 * the label and the suspect returns, D keeps the label and the decision survives a reload, accepted
 * after all the swap is in the exported mpii-json), Metrics
 * with intervals and error classes, Compare's Δ marks. Console errors fail the test (global hook);
 * screenshots at 1024×700 and 1440×900 go to test-artifacts/screenshots/, with no sideways overflow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { InstanceGroundTruth, ReviewQueueView } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { plantedPair, readEntries, writePlantedPredictions, type PlantedPair } from '../support/planted-flip.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import {
  api,
  ensureRendererBuilt,
  HAS_CHROMIUM,
  horizontalOverflow,
  openBrowser,
  screenshotsAt,
  tempDir,
  waitFor,
  type BrowserSession,
} from './e2e-support.ts';

if (!HAS_CHROMIUM) console.warn('[skip] review/stats e2e: /usr/bin/chromium is missing (apt-get install chromium)');

describe.skipIf(!HAS_CHROMIUM)('review and statistics in the browser (web host)', () => {
  let host: WebHost;
  let browser: BrowserSession;
  let page: Page;
  let planted: PlantedPair;
  let demoDir = '';
  const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);

  beforeAll(async () => {
    await ensureRendererBuilt();
    const dir = tempDir('posebench-e2e-review-');
    demoDir = (await ensureDemo(PROJECT_ROOT)).datasetDir;
    const entries = readEntries(demoDir);
    planted = plantedPair(entries);
    // The demo folder as a plain dataset (no demo models): the three imported sets are the only predictors.
    host = await startWebHost({ dataset: demoDir, db: path.join(dir, 'workspace.sqlite'), log: () => undefined });
    for (const [k, name] of ['noisy-a', 'noisy-b', 'noisy-c'].entries()) {
      const file = path.join(dir, `${name}.json`);
      writePlantedPredictions(file, entries, 0.5 + 0.5 * k, 20 + k, planted);
      await call('variants:importPredictions', { file, name, coordinateBase: 0 });
    }
    browser = await openBrowser();
    page = browser.page;
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  const flipId = async (): Promise<string> => {
    const queue = await call<ReviewQueueView>('review:queue');
    const flip = queue.suspects.find((s) => s.index === planted.index && s.kind.startsWith('flip_'));
    expect(flip, JSON.stringify(queue.suspects.slice(0, 3))).toBeDefined();
    return flip!.id;
  };
  const item = (id: string) => page.locator(`ol.review-list li[data-suspect="${id}"]`);

  it('reviews: Enter applies the planted flip as a correction, Ctrl+Z restores it, D keeps the label across a reload', async () => {
    const id = await flipId();
    const before = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: planted.index });
    await page.goto(`${host.url}#annotate?am=review`);
    await item(id).waitFor();
    await expect.poll(() => page.locator('[data-testid="review-count"]').textContent()).toMatch(/open of \d+ · 3 predictors/);

    await item(id).locator('button').click();
    await expect.poll(() => page.locator('ol.review-list li[aria-current="true"]').getAttribute('data-suspect')).toBe(id);
    await expect.poll(() => page.url()).toContain(`ai=${planted.index}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.review-status').textContent()).toContain('applied');
    const fixed = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: planted.index });
    expect(fixed.corrected).toBe(true);
    expect(fixed.joints[planted.a]!.xy).toEqual(before.joints[planted.b]!.xy);
    expect(fixed.joints[planted.b]!.xy).toEqual(before.joints[planted.a]!.xy);
    await expect.poll(() => item(id).count()).toBe(0);
    // Where suspects remain, the next one is current now (the editor shows it).
    const remaining = (await call<ReviewQueueView>('review:queue')).suspects.filter((s) => s.decision === null).length;
    await expect.poll(() => page.locator('ol.review-list li[aria-current="true"]').count()).toBe(Math.min(1, remaining));

    // Undo (the editor's Ctrl+Z): the label is back, and so is the suspect.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: planted.index })).joints).toEqual(before.joints);
    await item(id).waitFor();

    // D: the label is right. It leaves the open list and stays decided after a reload.
    await item(id).locator('button').click();
    await page.keyboard.press('d');
    await expect.poll(() => page.locator('.review-status').textContent()).toContain('label kept');
    await expect.poll(() => item(id).count()).toBe(0);
    await page.reload();
    await page.locator('ol.review-list').waitFor();
    expect(await item(id).count()).toBe(0);
    await page.getByLabel('decided too').check();
    await expect.poll(() => item(id).locator('.status-pill').textContent()).toBe('label right');
    await expect.poll(() => page.url()).toContain('rd=1');
    const queue = await call<ReviewQueueView>('review:queue');
    expect(queue.suspects.find((s) => s.id === id)?.decision?.verdict).toBe('label_right');
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: planted.index })).joints).toEqual(before.joints);

    // CSV export of the queue shown, with the decision.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await csvDownload.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(csv[0]).toBe('rank,index,image,kind,score,joints,predictors,of,proposal,evidence,decision,decided_at');
    expect(csv.find((line) => line.includes(`,${planted.index},`) && line.includes('label_right'))).toBeDefined();

    // Filter by kind: the URL keeps it.
    await page.getByLabel('Suspect kind').selectOption('flip_pair');
    await expect.poll(() => page.url()).toContain('rk=flip_pair');
    await page.getByLabel('Suspect kind').selectOption('');
    await item(id).locator('button').click();
    await screenshotsAt(page, 'review-mode');
    for (const width of [1024, 1440]) {
      await page.setViewportSize({ width, height: width === 1024 ? 700 : 900 });
      expect(await horizontalOverflow(page)).toEqual([]);
    }

    // A change of mind: accept it after all, then export from Edit mode: the swap is in the file.
    await item(id).locator('button').click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.review-status').textContent()).toContain('applied');
    // Fixed, the predictors agree with the label: the suspect is no longer raised at all.
    await expect.poll(() => item(id).count()).toBe(0);
    await page.getByRole('tab', { name: 'Edit' }).click();
    const outFile = path.join(tempDir('posebench-e2e-review-export-'), 'reviewed.json');
    await page.getByLabel('Export format').selectOption('mpii-json');
    await page.getByLabel('Output file').fill(outFile);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /wrote mpii-json/ })
      .waitFor();
    const exported = JSON.parse(readFileSync(outFile, 'utf8')) as { joints: [number, number][] }[];
    const original = readEntries(demoDir)[planted.index]!;
    expect(exported[planted.index]!.joints[planted.a]).toEqual(original.joints[planted.b]);
    expect(exported[planted.index]!.joints[planted.b]).toEqual(original.joints[planted.a]);
  }, 180_000);

  it('Metrics: intervals under each value and as error bars, error classes stacked per joint with what-if PCKh; the URL keeps both', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${host.url}#metrics`);
    await page.getByRole('checkbox', { name: '95% intervals' }).check();
    await page.locator('table[aria-label="PCKh per joint"] td[data-column="PCKh"] .ci').first().waitFor();
    const cell = await page.locator('table[aria-label="PCKh per joint"] td[data-column="PCKh"]').first().textContent();
    expect(cell).toMatch(/^\d+\.\d{2} \[\d+\.\d, \d+\.\d\]$/);
    const stats = await call<{ variants: { name: string; columns: { name: string; value: number; ci: [number, number] }[] }[] }>('stats:variant', {
      protocol: 'mmpose0x',
    });
    const first = stats.variants[0]!.columns.find((c) => c.name === 'PCKh')!;
    expect(cell).toBe(`${first.value.toFixed(2)} [${first.ci[0].toFixed(1)}, ${first.ci[1].toFixed(1)}]`);
    expect(await page.locator('svg g.ci-bar').count()).toBeGreaterThan(0);
    await page.getByRole('checkbox', { name: 'error classes' }).check();
    await page.locator('table[aria-label="What-if PCKh"] tbody tr').first().waitFor();
    expect(await page.locator('table[aria-label="What-if PCKh"] tbody tr').count()).toBe(3);
    await expect.poll(() => page.url()).toMatch(/#metrics\?(.*&)?ci=1&ec=1/);
    // Export report: the engine's report (with intervals, as the toggle shows them), downloaded.
    await page.getByLabel('Report format').selectOption('markdown');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^posebench-report-.*mmpose0x\.md$/);
    const markdown = readFileSync((await download.path())!, 'utf8');
    for (const name of ['noisy-a', 'noisy-b', 'noisy-c']) expect(markdown).toContain(name);
    expect(markdown).toMatch(/bootstrap/i);
    await page.reload();
    await page.locator('table[aria-label="What-if PCKh"]').waitFor();
    expect(await page.getByRole('checkbox', { name: '95% intervals' }).isChecked()).toBe(true);
    await screenshotsAt(page, 'metrics-intervals-error-classes');
    // Failures filtered by an error class: every row is of that class, and the URL keeps it.
    const noisyC = (await call<{ id: string; name: string }[]>('variants:list')).find((v) => v.name === 'noisy-c')!.id;
    await page.goto(`${host.url}#failures?fj=15&fv=${encodeURIComponent(noisyC)}`);
    await page.locator('table[aria-label^="Failures for"]').waitFor();
    await page.getByRole('combobox', { name: 'Error class' }).selectOption('jitter');
    await expect.poll(() => page.url()).toContain('fc=jitter');
    const rows = page.locator('table[aria-label^="Failures for"] tbody tr');
    await rows.first().waitFor();
    const shown = await rows.locator('td:last-child').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set(['jitter']));
    await screenshotsAt(page, 'failures-error-class');
    // Browse: persons with a jitter error on any joint.
    const browsed = await call<{ total: number }>('instances:list', { variantId: noisyC, errorClass: 'jitter' });
    await page.goto(`${host.url}#browse?bv=${encodeURIComponent(noisyC)}&bc=jitter`);
    await expect.poll(() => page.locator('.toolbar [aria-live="polite"]').first().textContent()).toBe(`${browsed.total} instances`);
    expect(await page.getByRole('combobox', { name: 'Result' }).inputValue()).toBe('class:jitter');
    await page.goto(`${host.url}#metrics?ci=1&ec=1`);
    await page.locator('table[aria-label="What-if PCKh"]').waitFor();
    await screenshotsAt(page, 'metrics-error-classes-scrolled', undefined, async () => {
      await page.locator('#error-classes-title').scrollIntoViewIfNeeded();
    });
    for (const width of [1024, 1440]) {
      await page.setViewportSize({ width, height: width === 1024 ? 700 : 900 });
      expect(await horizontalOverflow(page)).toEqual([]);
    }
  }, 180_000);

  it('Compare: a Δ whose interval excludes 0 is marked, the p-values on hover; the scatter has PCKh interval bars', async () => {
    // Demo models too: the scatter shows variants with a latency (imported predictions have none).
    const demo = await ensureDemo(PROJECT_ROOT);
    const added: string[] = [];
    for (const file of demo.modelFiles) added.push((await call<{ variant: { id: string } }>('variants:addModel', { modelPath: file })).variant.id);
    await call('runs:start', { variantIds: added });
    await waitFor(
      'the demo models run',
      async () => {
        const runs = await call<{ status: string }[]>('runs:list');
        return runs.length > 0 && runs.every((r) => r.status !== 'running') ? runs : undefined;
      },
      240_000,
    );
    const variants = await call<{ id: string; name: string }[]>('variants:list');
    const id = (name: string) => variants.find((v) => v.name === name)!.id;
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${host.url}#compare?cv=${[id('noisy-a'), id('noisy-c'), ...added.slice(0, 2)].join(',')}`);
    const row = page.locator('table[aria-label="Difference to baseline"] tbody tr').nth(1);
    await row.locator('td[data-significant]').first().waitFor();
    const pair = await call<{ columns: { name: string; delta_excludes_zero: boolean; holm_p: number | null }[] }>('stats:compare', {
      a: id('noisy-c'),
      b: id('noisy-a'),
    });
    for (const column of ['PCKh', 'PCKh@0.1', 'Wrist']) {
      const expected = pair.columns.find((c) => c.name === column)!;
      const cell = row.locator(`td[data-column="${column}"]`);
      expect(await cell.getAttribute('data-significant')).toBe(String(expected.delta_excludes_zero));
      expect(await cell.locator('.sig-mark').count()).toBe(expected.delta_excludes_zero ? 1 : 0);
      expect(await cell.getAttribute('title')).toMatch(/interval \[-?\d+\.\d, -?\d+\.\d\][\s\S]*McNemar p = [\d.e+-]+, Holm p = /);
    }
    expect(pair.columns.find((c) => c.name === 'PCKh@0.1')!.delta_excludes_zero).toBe(true); // noise 0.5 vs 1.5: a real difference
    await page.locator('svg g.ci-bar-y').first().waitFor();
    expect(await page.locator('svg g.ci-bar-y').count()).toBe(demo.modelFiles.length);
    await screenshotsAt(page, 'compare-intervals');
    for (const width of [1024, 1440]) {
      await page.setViewportSize({ width, height: width === 1024 ? 700 : 900 });
      expect(await horizontalOverflow(page)).toEqual([]);
    }
  }, 360_000);
});
