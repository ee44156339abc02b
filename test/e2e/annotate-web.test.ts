/**
 * Acceptance test of the ground-truth editor in Chromium against the web host (temp workspace, demo
 * dataset): real mouse drags of a GT joint (Esc mid-drag restores and commits nothing; a drag by a
 * known screen amount moves the joint by that amount / zoom), undo, redo, the re-evaluation view,
 * and an MPII json export from the UI that differs from the dataset's json exactly at that joint.
 * Console errors fail the test; screenshots go to test-artifacts/screenshots/.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CorrectionHistory, InstanceDetail, InstanceGroundTruth, Reevaluation, RunSummary, WorkspaceState } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { api, ensureRendererBuilt, HAS_CHROMIUM, openBrowser, screenshot, tempDir, waitFor, type BrowserSession } from './e2e-support.ts';

if (!HAS_CHROMIUM) console.warn('[skip] annotate e2e: /usr/bin/chromium is missing (apt-get install chromium)');

const LEFT_WRIST = 15;
const HANDLE = 'left wrist (ground truth)';

interface MpiiEntry {
  joints: [number, number][];
  joints_vis: number[];
  [key: string]: unknown;
}

describe.skipIf(!HAS_CHROMIUM)('ground-truth editor in the browser (web host, demo workspace)', () => {
  let host: WebHost;
  let browser: BrowserSession;
  let page: Page;
  let dir: string;
  let instanceIndex = 0;
  let original: InstanceGroundTruth;
  let variantName = '';
  const call = <T>(channel: string, body: unknown = {}) => api<T>(host.url, host.token, channel, body);
  const history = () => call<CorrectionHistory>('corrections:history');

  /** Screen centre of the GT handle and the viewer's zoom (screen px per image px). */
  async function handleAndScale(): Promise<{ x: number; y: number; scale: number }> {
    const handle = page.getByRole('button', { name: HANDLE, exact: true });
    const box = await handle.locator('circle').nth(1).boundingBox();
    if (box === null) throw new Error('handle not rendered');
    const transform = await page.locator('.editor .viewer svg > g').first().getAttribute('transform');
    const scale = Number(/scale\(([^)]+)\)/.exec(transform ?? '')?.[1]);
    return { x: box.x + box.width / 2, y: box.y + box.height / 2, scale };
  }

  async function circleCentre(): Promise<[number, number]> {
    const circle = page.getByRole('img', { name: /PCKh tolerance circle for left wrist/ });
    return [Number(await circle.getAttribute('cx')), Number(await circle.getAttribute('cy'))];
  }

  const phase = () => page.locator('.editor').getAttribute('data-drag-phase');

  beforeAll(async () => {
    dir = tempDir('posebench-annotate-e2e-');
    await ensureRendererBuilt();
    await ensureDemo(PROJECT_ROOT);
    host = await startWebHost({ db: path.join(dir, 'workspace.sqlite'), log: () => undefined });
    await waitFor('the demo run', async () => {
      const runs = await call<RunSummary[]>('runs:list');
      return runs.length > 0 && runs.every((r) => r.status !== 'running') ? runs : undefined;
    });
    // An instance whose left wrist is annotated and predicted as a hit by the first variant, so a
    // large drag flips the verdict.
    const variants = await call<{ id: string; name: string; evaluated: boolean }[]>('variants:list');
    const first = variants.find((v) => v.evaluated)!;
    variantName = first.name;
    for (let i = 0; i < 50; i++) {
      const gt = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex: i });
      const detail = await call<InstanceDetail>('instance:get', { instanceIndex: i, variantIds: [first.id] });
      if (gt.joints[LEFT_WRIST]!.visible && detail.predictions[0]?.hits[LEFT_WRIST] === true) {
        instanceIndex = i;
        original = gt;
        break;
      }
    }
    expect(original).toBeDefined();
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${host.url}#annotate`);
    await page.getByRole('tab', { name: 'Annotate', selected: true }).waitFor();
    await page.getByLabel('Instance number').fill(String(instanceIndex));
    await page.getByRole('region', { name: `Annotate instance ${instanceIndex}` }).waitFor();
    await page.getByRole('button', { name: HANDLE, exact: true }).waitFor();
    await page.getByRole('img', { name: `left wrist (${variantName})`, exact: true }).waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('Esc during a drag puts the joint back and commits nothing', async () => {
    const start = await handleAndScale();
    expect(start.scale).toBeGreaterThan(0.5);
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 2, start.y, { steps: 2 }); // within the threshold: not a drag yet
    expect(await phase()).toBe('pointing');
    await page.mouse.move(start.x + 45, start.y + 25, { steps: 6 });
    expect(await phase()).toBe('dragging');
    // The tolerance circle follows the joint; the prediction stays visible.
    const [cx, cy] = await circleCentre();
    expect(cx).toBeCloseTo(original.joints[LEFT_WRIST]!.xy![0] + 45 / start.scale, 3);
    expect(cy).toBeCloseTo(original.joints[LEFT_WRIST]!.xy![1] + 25 / start.scale, 3);
    expect(await page.getByRole('img', { name: `left wrist (${variantName})`, exact: true }).count()).toBe(1);
    await screenshot(page, 'annotate-mid-drag');
    await page.keyboard.press('Escape');
    expect(await phase()).toBe('idle');
    await page.mouse.move(start.x + 60, start.y + 30, { steps: 2 });
    await page.mouse.up();
    const back = await handleAndScale();
    expect(Math.abs(back.x - start.x)).toBeLessThan(0.5);
    expect(Math.abs(back.y - start.y)).toBeLessThan(0.5);
    expect((await history()).undoCount).toBe(0);
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).joints[LEFT_WRIST]).toEqual(original.joints[LEFT_WRIST]);
  });

  let expectedXy: [number, number] = [0, 0];

  it('drags a joint by a known screen amount and commits once, in image pixels', async () => {
    const start = await handleAndScale();
    const dx = 37;
    const dy = -23;
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + dx / 2, start.y + dy / 2, { steps: 5 });
    await page.mouse.move(start.x + dx, start.y + dy, { steps: 5 });
    await page.mouse.up();
    const committed = await waitFor('the committed drag', async () => ((await history()).undoCount === 1 ? true : undefined), 20_000);
    expect(committed).toBe(true);
    const xy = original.joints[LEFT_WRIST]!.xy!;
    expectedXy = [xy[0] + dx / start.scale, xy[1] + dy / start.scale];
    const after = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex });
    expect(Math.abs(after.joints[LEFT_WRIST]!.xy![0] - expectedXy[0])).toBeLessThan(0.5);
    expect(Math.abs(after.joints[LEFT_WRIST]!.xy![1] - expectedXy[1])).toBeLessThan(0.5);
    expectedXy = [after.joints[LEFT_WRIST]!.xy![0], after.joints[LEFT_WRIST]!.xy![1]];
    await page.getByRole('status').filter({ hasText: 'moved left wrist' }).waitFor();
    // The handle is drawn where the edit put it.
    const moved = await handleAndScale();
    expect(Math.abs(moved.x - (start.x + dx))).toBeLessThan(1);
    expect(Math.abs(moved.y - (start.y + dy))).toBeLessThan(1);
    await screenshot(page, 'annotate-after-edit');
  });

  it('shows the re-evaluation: original vs corrected per joint, and the changed verdict opens the instance', async () => {
    const reevaluation = await call<Reevaluation>('corrections:reevaluate');
    const changed = reevaluation.variants.flatMap((v) => v.changes.map((c) => ({ ...c, variantName: v.variantName })));
    expect(changed.some((c) => c.instanceIndex === instanceIndex && c.joint === LEFT_WRIST && c.before === 'hit' && c.after === 'miss')).toBe(true);
    const table = page.getByRole('table', { name: /PCKh per joint, original vs corrected/ });
    await table.waitFor();
    const row = table.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'left wrist', exact: true }) });
    await waitFor('the corrected numbers', async () => ((await row.locator('td').nth(2).innerText()).startsWith('−') ? true : undefined), 20_000);
    const list = page.getByRole('list', { name: 'Instances whose hit/miss changed' });
    const item = list.getByRole('button', { name: new RegExp(`^instance ${instanceIndex} · left wrist · ${variantName}: hit → miss`) });
    const elsewhere = instanceIndex === 0 ? 1 : 0;
    await page.getByLabel('Instance number').fill(String(elsewhere));
    await page.getByRole('region', { name: `Annotate instance ${elsewhere}` }).waitFor();
    await item.click();
    await page.getByRole('region', { name: `Annotate instance ${instanceIndex}` }).waitFor();
    expect(await page.getByLabel('Selected joint', { exact: true }).inputValue()).toBe(String(LEFT_WRIST));
    // The header says which GT revision the numbers reflect.
    const state = await call<WorkspaceState>('workspace:get');
    await page
      .locator('.dataset-info')
      .filter({ hasText: `GT revision ${state.dataset!.gtRevision}` })
      .waitFor();
    await screenshot(page, 'annotate-reevaluation');
  });

  it('undoes with Ctrl+Z and redoes with the Redo button', async () => {
    await page.locator('.editor .viewer').focus();
    await page.keyboard.press('Control+z');
    await waitFor(
      'undo',
      async () => {
        const h = await history();
        return h.undoCount === 0 && h.redoCount === 1 ? true : undefined;
      },
      20_000,
    );
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).joints[LEFT_WRIST]).toEqual(original.joints[LEFT_WRIST]);
    await page.getByRole('button', { name: /^Redo/ }).click();
    await waitFor('redo', async () => ((await history()).undoCount === 1 ? true : undefined), 20_000);
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).joints[LEFT_WRIST]!.xy).toEqual(expectedXy);
  });

  it('resizes the head box by dragging a corner (head size and tolerance follow), then undoes it with the button', async () => {
    const corner = page.getByRole('button', { name: 'head box bottom-right corner (ground truth)' });
    const box = (await corner.boundingBox())!;
    const { scale } = await handleAndScale();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 12, y + 9, { steps: 4 });
    await page.getByText(/^head \d+\.\d px$/).waitFor();
    await page.mouse.up();
    await waitFor('the head-box edit', async () => ((await history()).undoCount === 2 ? true : undefined), 20_000);
    const edited = await call<InstanceGroundTruth>('corrections:instance', { instanceIndex });
    const before = original.headBox!;
    expect(edited.headBox![0]).toBe(before[0]);
    expect(edited.headBox![1]).toBe(before[1]);
    expect(Math.abs(edited.headBox![2] - before[2] - 12 / scale)).toBeLessThan(0.5);
    expect(Math.abs(edited.headBox![3] - before[3] - 9 / scale)).toBeLessThan(0.5);
    expect(edited.headSize!).toBeGreaterThan(original.headSize!);
    await page.getByText(`head size ${edited.headSize!.toFixed(1)} px`, { exact: false }).waitFor();
    await page.getByRole('button', { name: /^Undo/ }).click();
    await waitFor('undo of the head box', async () => ((await history()).undoCount === 1 ? true : undefined), 20_000);
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).headBox).toEqual(before);
  });

  it('exports mpii-json from the UI: differs from the dataset json exactly at the dragged joint', async () => {
    const outFile = path.join(dir, 'exported.json');
    await page.getByLabel('Export format').selectOption('mpii-json');
    await page.getByLabel('Output file').fill(outFile);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    const written = page.getByRole('status').filter({ hasText: /wrote mpii-json/ });
    await written.waitFor();
    await written.scrollIntoViewIfNeeded();
    await screenshot(page, 'annotate-export');
    // A second export to the same path needs "Overwrite".
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /already exists/ })
      .waitFor();
    await page.getByLabel('Overwrite if it exists').check();
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /wrote mpii-json/ })
      .waitFor();

    const state = await call<WorkspaceState>('workspace:get');
    const source = JSON.parse(readFileSync(path.join(state.dataset!.root, 'annotations', 'mpii_val.json'), 'utf8')) as MpiiEntry[];
    const exported = JSON.parse(readFileSync(outFile, 'utf8')) as MpiiEntry[];
    expect(exported.length).toBe(source.length);
    const detail = await call<InstanceDetail>('instance:get', { instanceIndex, variantIds: [] });
    const differences: string[] = [];
    source.forEach((entry, e) => {
      const out = exported[e]!;
      expect(Object.keys(out).sort()).toEqual(Object.keys(entry).sort());
      for (const key of Object.keys(entry)) {
        if (key !== 'joints') {
          if (JSON.stringify(out[key]) !== JSON.stringify(entry[key])) differences.push(`${e}.${key}`);
          continue;
        }
        entry.joints.forEach((p, j) => {
          if (p[0] !== out.joints[j]![0]) differences.push(`${e}.joints.${j}.x`);
          if (p[1] !== out.joints[j]![1]) differences.push(`${e}.joints.${j}.y`);
        });
      }
    });
    const e = detail.entryIndex;
    expect(differences).toEqual([`${e}.joints.${LEFT_WRIST}.x`, `${e}.joints.${LEFT_WRIST}.y`]);
    // MPII json is 1-based (spec §1.3): the exported joint is the dragged position + 1, i.e. the
    // source joint moved by the dragged screen amount / zoom.
    const was = source[e]!.joints[LEFT_WRIST]!;
    const now = exported[e]!.joints[LEFT_WRIST]!;
    const moved: [number, number] = [expectedXy[0] - original.joints[LEFT_WRIST]!.xy![0], expectedXy[1] - original.joints[LEFT_WRIST]!.xy![1]];
    expect(Math.abs(now[0] - was[0] - moved[0])).toBeLessThan(0.5);
    expect(Math.abs(now[1] - was[1] - moved[1])).toBeLessThan(0.5);
    expect(Math.abs(moved[0])).toBeGreaterThan(5);
    expect(Math.abs(moved[1])).toBeGreaterThan(3);
  });

  it('arrow-key nudges of the selected joint move it 1 px (Shift 10) each and are undone as one step', async () => {
    const before = (await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).joints[LEFT_WRIST]!.xy!;
    const edits = (await history()).undoCount;
    // Select the left wrist with a click (no movement: pointing, then released without a drag).
    const start = await handleAndScale();
    await page.mouse.click(start.x, start.y);
    const presses = ['ArrowRight', 'ArrowRight', 'Shift+ArrowDown'];
    // As fast as key repeat: each press is saved at once (a crash loses nothing) and builds on the
    // previous press, not on the position shown before the saves come back.
    for (const key of presses) await page.keyboard.press(key);
    await waitFor('three saved nudges', async () => ((await history()).undoCount === edits + presses.length ? true : undefined), 20_000);
    const nudged = (await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).joints[LEFT_WRIST]!.xy!;
    expect(nudged).toEqual([before[0] + 2, before[1] + 10]);
    await page.keyboard.press('Control+z');
    await waitFor('one undo of the whole burst', async () => ((await history()).undoCount === edits ? true : undefined), 20_000);
    expect((await call<InstanceGroundTruth>('corrections:instance', { instanceIndex })).joints[LEFT_WRIST]!.xy).toEqual(before);
    expect((await history()).redoCount).toBe(presses.length);
  });
});
