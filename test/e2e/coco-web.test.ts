/**
 * Issue 18 in Chromium through the web host: the 4-image COCO fixture opens as a COCO dataset; a
 * results file imported in Runs shows in Metrics with the engine's ten numbers; Failures lists the
 * missed person first; a card opens the image with GT boxes, the crowd region, the matched and
 * unmatched detections and the focused person's per-keypoint KS. Console errors fail the test (global
 * hook); screenshots at 1024×700 and 1440×900 with no sideways overflow.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CocoImageDetail, CocoMetricsView, CocoPersonsList, WorkspaceState } from '../../src-main/api/contract.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { writeConstantCocoModel } from '../support/coco-constant-model.ts';
import { perturbedResults, type GtAnnotation } from '../support/coco-perturbed-results.ts';
import { HAS_SHARED, sharedPath } from '../support/shared-fixtures.ts';
import { api, ensureRendererBuilt, HAS_CHROMIUM, horizontalOverflow, openBrowser, screenshotsAt, tempDir, type BrowserSession } from './e2e-support.ts';

const SKIP = !HAS_CHROMIUM ? '/usr/bin/chromium is missing (apt-get install chromium)' : !HAS_SHARED ? '../shared is absent: it holds the COCO fixture' : null;
if (SKIP !== null) console.warn(`[skip] COCO views e2e: ${SKIP}`);

describe.skipIf(SKIP !== null)('COCO keypoint folders in the browser (web host)', () => {
  let host: WebHost;
  let browser: BrowserSession;
  let page: Page;
  let resultsFile = '';
  const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);

  beforeAll(async () => {
    await ensureRendererBuilt();
    const dir = tempDir('posebench-e2e-coco-');
    const dataset = path.join(dir, 'coco');
    cpSync(sharedPath('fixtures', 'coco'), dataset, { recursive: true });
    const gt = JSON.parse(readFileSync(path.join(dataset, 'annotations', 'test_coco.json'), 'utf8')) as { annotations: GtAnnotation[] };
    resultsFile = path.join(dir, 'rtm-small.json');
    writeFileSync(resultsFile, JSON.stringify(perturbedResults(gt, 2, 8)));
    writeFileSync(path.join(dir, 'rtm-large.json'), JSON.stringify(perturbedResults(gt, 5, 3)));
    host = await startWebHost({ dataset, db: path.join(dir, 'workspace.sqlite'), log: () => undefined });
    await call('coco:importResults', { file: path.join(dir, 'rtm-large.json') });
    browser = await openBrowser();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('imports results in Runs and shows the ten numbers and per-keypoint rows in Metrics', async () => {
    const state = await call<WorkspaceState>('workspace:get');
    expect(state.dataset?.kind).toBe('coco');
    await page.goto(`${host.url}#runs`);
    await page.getByRole('tab', { name: 'Image' }).waitFor();
    await page.getByLabel('COCO results file (.json)').fill(resultsFile);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByText('Imported rtm-small').waitFor();
    await expect.poll(() => page.locator('table[aria-label="COCO variants"] tbody tr').count()).toBe(2);
    await screenshotsAt(page, 'coco-runs');

    await page.getByRole('tab', { name: 'Metrics' }).click();
    const table = page.locator('table[aria-label="OKS AP and AR"]');
    await table.waitFor();
    const metrics = await call<CocoMetricsView>('coco:metrics');
    const small = metrics.variants.find((v) => v.variant.name === 'rtm-small')!;
    const row = table.locator('tbody tr', { hasText: 'rtm-small' });
    await expect.poll(() => row.locator('td').first().textContent()).toBe((100 * small.stats.AP!).toFixed(1));
    await expect.poll(() => page.locator('table.coco-kp-table tbody tr').count()).toBe(17);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshotsAt(page, 'coco-metrics');
    await expect.poll(() => page.locator('svg[aria-label="AP by OKS threshold"] circle').count()).toBe(20);
    await screenshotsAt(page, 'coco-metrics-curves', undefined, async () => {
      await page.locator('#coco-ap-curve-title').scrollIntoViewIfNeeded();
    });
    await screenshotsAt(page, 'coco-metrics-keypoints', undefined, async () => {
      await page.locator('#coco-kp-title').scrollIntoViewIfNeeded();
    });
  });

  it('Failures lists the missed person first; its card opens the image with boxes, the crowd region and KS per keypoint', async () => {
    await page.getByRole('tab', { name: 'Failures' }).click();
    const first = page.locator('.coco-cards [role="listitem"]').first();
    await first.waitFor();
    await expect.poll(() => first.getAttribute('aria-label')).toMatch(/^Person 2, .*missed/);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshotsAt(page, 'coco-failures');

    await page.getByLabel('Keypoint', { exact: true }).selectOption({ label: 'left wrist' });
    await expect.poll(() => first.getAttribute('aria-label')).toMatch(/KS|not counted|missed/);
    // open the worst matched person's image
    await page.locator('.coco-cards [role="listitem"]', { hasText: 'KS' }).first().click();
    await page.locator('.coco-image-canvas svg').waitFor();
    await expect.poll(() => page.locator('table.coco-kp-detail tbody tr').count()).toBe(17);
    await expect.poll(() => page.getByRole('tab', { name: 'Image' }).getAttribute('aria-selected')).toBe('true');
    // the image is served and decoded
    await expect
      .poll(() => page.evaluate(() => fetch(document.querySelector('.coco-image-canvas image')!.getAttribute('href')!).then((r) => r.status)))
      .toBe(200);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshotsAt(page, 'coco-image');
    // → steps to another image of the list
    const before = await page.locator('.coco-image-toolbar strong').textContent();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.coco-image-toolbar strong').textContent()).not.toBe(before);
  });

  it('Compare lists, per keypoint, the persons one variant gets right and the other not', async () => {
    await page.getByRole('tab', { name: 'Compare' }).click();
    const table = page.locator('table[aria-label="Per keypoint, A and B"]');
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(17);
    const first = table.locator('tbody td button.link:not([disabled])').first();
    const n = Number(await first.textContent());
    await first.click();
    await expect.poll(() => page.locator('[aria-label="Persons of the cell"] [role="listitem"]').count()).toBe(n);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshotsAt(page, 'coco-compare');
  });

  it('edits the GT: a drag moves a keypoint by pointer distance / zoom, Ctrl+Z takes it back, 1 hides the selected one, the export holds it', async () => {
    const persons = await call<CocoPersonsList>('coco:persons', { order: 'file', limit: 100 });
    const person = persons.items.find((p) => p.counted && p.keypoints[3 * 9 + 2] === 2)!;
    await page.evaluate(() => (window.location.hash = '#browse'));
    await page.getByRole('tab', { name: 'Browse' }).click();
    await page.getByLabel('Order').selectOption('file');
    await page.locator(`.coco-cards [role="listitem"][aria-label^="Person ${person.index},"]`).click();
    await page.locator('.coco-image-canvas svg').waitFor();
    await page.getByLabel('Edit GT').check();
    const handle = page.locator('circle[data-handle="keypoint-9"]');
    await handle.waitFor();
    const box = (await handle.boundingBox())!;
    const scale = await page.evaluate(() => {
      const svg = document.querySelector<SVGSVGElement>('.coco-image-canvas svg')!;
      return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    });
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 15, cy + 10, { steps: 4 });
    await page.mouse.move(cx + 30, cy + 20, { steps: 4 });
    await page.mouse.up();
    const gtOf = async () => (await call<CocoImageDetail>('coco:image', { imageId: person.imageId })).persons.find((p) => p.index === person.index)!;
    await expect.poll(async () => (await gtOf()).keypoints[27]).not.toBe(person.keypoints[27]);
    const moved = await gtOf();
    expect(moved.keypoints[27]! - person.keypoints[27]!).toBeCloseTo(30 / scale, 2);
    expect(moved.keypoints[28]! - person.keypoints[28]!).toBeCloseTo(20 / scale, 2);
    await screenshotsAt(page, 'coco-edit');
    expect(await horizontalOverflow(page)).toEqual([]);

    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await gtOf()).keypoints[27]).toBe(person.keypoints[27]);

    // the keypoint is selected (it was dragged): 1 makes it labelled-but-hidden
    await page.keyboard.press('1');
    await expect.poll(async () => (await gtOf()).keypoints[29]).toBe(1);
    const out = path.join(tempDir('posebench-e2e-coco-export-'), 'fixed.json');
    await page.getByLabel('Export file (.json)').fill(out);
    await page.getByRole('button', { name: 'Export COCO json' }).click();
    await page.getByText(/1 corrected annotation/).waitFor();
    const written = JSON.parse(readFileSync(out, 'utf8')) as { annotations: GtAnnotation[] };
    expect(written.annotations.find((a) => a.id === person.annotationId)!.keypoints[29]).toBe(1);
  });

  it('reviews: a wrist pair swapped in the GT is in the queue; Apply fix swaps it back', async () => {
    const persons = await call<CocoPersonsList>('coco:persons', { order: 'file', limit: 100 });
    const target = persons.items
      .filter((p) => p.counted && p.index !== 2 && p.keypoints[3 * 9 + 2]! > 0 && p.keypoints[3 * 10 + 2]! > 0)
      .sort((a, b) => b.bbox[2] * b.bbox[3] - a.bbox[2] * a.bbox[3])[0]!;
    await call('coco:correct', { index: target.index, edit: { kind: 'swap', pairs: [[9, 10]] } });
    await page.reload();
    await page.getByRole('tab', { name: 'Image' }).click();
    await page.getByLabel('Review', { exact: true }).check();
    const item = page.locator(`ol.coco-review-list li[data-suspect^="flip:${target.annotationId}:"]`);
    await item.waitFor();
    await item.locator('button.link').click();
    await expect.poll(() => page.locator('.coco-image-toolbar strong').textContent()).toBe(target.fileName);
    await screenshotsAt(page, 'coco-review');
    expect(await horizontalOverflow(page)).toEqual([]);
    // "Label is right" takes it off the list and is kept across a reload; "decided too" shows it marked
    await item.getByRole('button', { name: /The label of .* is right/ }).click();
    await expect.poll(() => item.count()).toBe(0);
    await page.reload();
    await page.getByRole('tab', { name: 'Image' }).click();
    await page.getByLabel('Review', { exact: true }).check();
    await page
      .locator('[data-testid="coco-review-count"]')
      .getByText(/open of/)
      .waitFor();
    expect(await item.count()).toBe(0);
    await page.getByLabel('decided too').check();
    await item.locator('.status-pill', { hasText: 'label right' }).waitFor();
    await screenshotsAt(page, 'coco-review-decided');
    // a change of mind: "Later" puts a kept label back into the list
    await item.getByRole('button', { name: /Decide .* later/ }).click();
    await item.locator('.status-pill', { hasText: 'later' }).waitFor();
    await page.getByLabel('decided too').uncheck();
    await expect.poll(() => item.count()).toBe(1);
    await item.getByRole('button', { name: /Apply the fix/ }).click();
    await expect.poll(() => item.count()).toBe(0);
    const after = (await call<CocoImageDetail>('coco:image', { imageId: target.imageId })).persons.find((p) => p.index === target.index)!;
    expect(after.keypoints.slice(27, 33)).toEqual(target.keypoints.slice(27, 33));
  });

  it('runs a model from Runs: progress, then the variant with its numbers', async () => {
    const model = writeConstantCocoModel(tempDir('posebench-e2e-coco-model-'));
    await page.getByRole('tab', { name: 'Runs' }).click();
    await page.getByLabel('Model file (.onnx)').fill(model);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('ul.coco-runs li[data-status="finished"]').waitFor({ timeout: 60_000 });
    await expect.poll(() => page.locator('table[aria-label="COCO variants"] tbody tr', { hasText: 'constant_coco17' }).count()).toBe(1);
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshotsAt(page, 'coco-runs-model');
  });
});
