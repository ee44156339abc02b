/**
 * Issue 18: a COCO keypoint folder in the app (the engine behind both UI hosts) gives the numbers
 * `posebench eval` prints — the ten pycocotools stats, every per-keypoint column, the group APs —
 * because both call workbench/coco-evaluation.ts. Compared on the 4-image fixture with two results
 * files (a miss, a false positive, score ties), then: the per-person marks Browse and the image viewer
 * show add up to the per-keypoint shares, results survive an engine restart (stored in the workspace),
 * re-importing an unchanged file reuses it, removing works, and opening an MPII folder leaves COCO.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COCO_ERROR_CLASSES, COCO_STAT_NAMES, type Channel, type RequestInput, type Response } from '../../src-main/api/contract.ts';
import { parseRequest } from '../../src-main/api/request-schemas.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import type { EngineService } from '../../src-main/engine/engine-server.ts';
import { createEngineService } from '../../src-main/engine/engine-service.ts';
import { writeConstantCocoModel } from '../support/coco-constant-model.ts';
import { perturbedResults, type GtAnnotation } from '../support/coco-perturbed-results.ts';
import { runPosebench } from '../support/run-cli.ts';
import { HAS_SHARED, PROJECT_ROOT, sharedPath } from '../support/shared-fixtures.ts';

if (!HAS_SHARED) console.warn('[skip] COCO in the app vs the CLI: ../shared is absent (a fresh clone has none): it holds the COCO fixture');

interface CliReport {
  variant: string;
  metrics: Record<string, number | null>;
  per_keypoint: Record<string, number | string | null>[];
  groups: { name: string; AP: number | null }[];
}

const pct = (v: number | null): number | null => (v === null ? null : 100 * v);

describe.skipIf(!HAS_SHARED)('COCO in the app: the numbers of posebench eval, per person and after a restart', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-coco-app-'));
  const dataset = path.join(dir, 'coco');
  const db = path.join(dir, 'ws.sqlite');
  let service: EngineService | null = null;
  const files = [path.join(dir, 'noisy-3px.json'), path.join(dir, 'noisy-12px.json')];

  const start = async (): Promise<EngineService> =>
    createEngineService({ dbPath: db, datasetDir: dataset, projectRoot: PROJECT_ROOT, cacheDir: path.join(dir, 'cache') }, () => undefined);
  async function call<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
    const handler = service!.handlers[channel] as (req: unknown) => Promise<Response<C>>;
    return handler(parseRequest(channel, request));
  }

  beforeAll(async () => {
    cpSync(sharedPath('fixtures', 'coco'), dataset, { recursive: true });
    const gt = JSON.parse(readFileSync(path.join(dataset, 'annotations', 'test_coco.json'), 'utf8')) as { annotations: GtAnnotation[] };
    writeFileSync(files[0]!, JSON.stringify(perturbedResults(gt, 1, 3)));
    writeFileSync(files[1]!, JSON.stringify(perturbedResults(gt, 2, 12)));
    service = await start();
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens as a COCO dataset and shows the CLI numbers bit for bit', { timeout: 60_000 }, async () => {
    const state = await call('workspace:get', {});
    expect(state.dataset?.kind).toBe('coco');
    expect(state.dataset?.coco?.keypoints.length).toBe(17);
    expect(state.dataset?.imageCount).toBe(4);
    for (const file of files) expect((await call('coco:importResults', { file })).message).toMatch(/^Imported/);

    const cli = await runPosebench(['eval', '--dataset', dataset, '--predictions', files[0]!, '--predictions', files[1]!, '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    const cliVariants = (JSON.parse(cli.stdout) as { variants: CliReport[] }).variants;
    const app = await call('coco:metrics', {});
    expect(app.variants.map((v) => v.variant.name)).toEqual(cliVariants.map((v) => v.variant));
    for (const [i, variant] of app.variants.entries()) {
      const want = cliVariants[i]!;
      for (const name of COCO_STAT_NAMES) expect(pct(variant.stats[name]), name).toBe(want.metrics[name]);
      variant.keypoints.forEach((row, k) => {
        const cliRow = want.per_keypoint[k]!;
        expect(row.name).toBe(cliRow['name']);
        expect(row.count).toBe(cliRow['count']);
        expect(pct(row.oksAcc50)).toBe(cliRow['oks_acc_50']);
        expect(pct(row.oksAcc75)).toBe(cliRow['oks_acc_75']);
        expect(row.pckBbox.map(pct)).toEqual([cliRow['pck_bbox_0_05'], cliRow['pck_bbox_0_1'], cliRow['pck_bbox_0_2']]);
        expect(row.pckTorso.map(pct)).toEqual([cliRow['pck_torso_0_05'], cliRow['pck_torso_0_1'], cliRow['pck_torso_0_2']]);
        expect(row.meanErrorBbox).toBe(cliRow['mean_error_bbox']);
        for (const c of COCO_ERROR_CLASSES) expect(pct(row.classes[c])).toBe(cliRow[c]);
        expect(pct(row.ap)).toBe(cliRow['ap']);
      });
      expect(variant.groups.map((g) => [g.name, pct(g.ap)])).toEqual(want.groups.map((g) => [g.name, g.AP]));
    }
    // the curves: AP50 and AP75 are points of AP by threshold, whose mean is AP; PR curves have 101 points
    for (const variant of app.variants) {
      expect(variant.apByThreshold[0]).toBe(variant.stats.AP50);
      expect(variant.apByThreshold[5]).toBe(variant.stats.AP75);
      const valid = variant.apByThreshold.filter((v): v is number => v !== null);
      expect(valid.reduce((a, b) => a + b, 0) / valid.length).toBeCloseTo(variant.stats.AP!, 12);
      expect(variant.precisionCurves.map((c) => [c.threshold, c.precision.length])).toEqual([
        [0.5, 101],
        [0.75, 101],
      ]);
    }
    // the two variants differ (the 12 px one is worse), so agreement above is not agreement on a constant
    expect(app.variants[1]!.stats.AP!).toBeLessThan(app.variants[0]!.stats.AP!);
  });

  it("Browse's per-person classes add up to the per-keypoint shares; worst first is KS order", { timeout: 60_000 }, async () => {
    const metrics = await call('coco:metrics', {});
    const variant = metrics.variants[1]!;
    for (const [k, row] of variant.keypoints.entries()) {
      const all = await call('coco:persons', { variantId: variant.variant.id, keypoint: k, order: 'worst', limit: 5000 });
      for (const c of COCO_ERROR_CLASSES) {
        const counted = all.items.filter((p) => p.errorClass === c).length;
        expect(counted / row.count, `${row.name} ${c}`).toBeCloseTo(row.classes[c] ?? 0, 12);
        const filtered = await call('coco:persons', { variantId: variant.variant.id, keypoint: k, errorClass: c, limit: 5000 });
        expect(filtered.total).toBe(counted);
      }
      const ks = all.items.map((p) => p.ks).filter((v): v is number => v !== null);
      expect(ks).toEqual([...ks].sort((a, b) => a - b));
    }
    // the missed person (entry 2 of the GT) comes first, worst first by OKS
    const byOks = await call('coco:persons', { variantId: variant.variant.id, order: 'worst' });
    expect(byOks.items[0]!.index).toBe(2);
    expect(byOks.items[0]!.oks).toBeNull();

    // the image viewer: detections in score order, each matched person's OKS as Browse gives it
    const first = byOks.items.find((p) => p.oks !== null)!;
    const image = await call('coco:image', { imageId: first.imageId, variantIds: [variant.variant.id] });
    const detections = image.variants[0]!.detections;
    expect(detections.map((d) => d.score)).toEqual([...detections.map((d) => d.score)].sort((a, b) => b - a));
    expect(detections.find((d) => d.matchedIndex === first.index)?.oks).toBe(first.oks);
    expect(image.imageKey).toMatch(/^img\//);
    const media = await service!.resolveMedia(image.imageKey!);
    expect(media.contentType).toBe('image/jpeg');
  });

  it(
    'Compare: hits per keypoint agree with the per-keypoint OKS accuracy; the cells partition the keypoints and list their persons',
    { timeout: 60_000 },
    async () => {
      const metrics = await call('coco:metrics', {});
      const [a, b] = metrics.variants;
      const view = await call('coco:compare', { a: a!.variant.id, b: b!.variant.id });
      view.rows.forEach((row, k) => {
        expect(row.aHits).toBeCloseTo((a!.keypoints[k]!.oksAcc50 ?? 0) * a!.keypoints[k]!.count, 9);
        expect(row.bHits).toBeCloseTo((b!.keypoints[k]!.oksAcc50 ?? 0) * b!.keypoints[k]!.count, 9);
        const bothHit = row.aHits - row.aHitBMiss;
        expect(bothHit + row.aHitBMiss + row.aMissBHit + row.bothMiss).toBe(row.count);
      });
      const k = view.rows.findIndex((r) => r.aHitBMiss > 0);
      expect(k).toBeGreaterThanOrEqual(0);
      const cell = await call('coco:compare', { a: a!.variant.id, b: b!.variant.id, keypoint: k, relation: 'a-hit-b-miss' });
      expect(cell.persons).toHaveLength(view.rows[k]!.aHitBMiss);
      for (const p of cell.persons) expect(p.ks === null || p.ks < 0.5).toBe(true);
    },
  );

  it('a model run by posebench eval is stored in the workspace and shows in the app with the CLI numbers', { timeout: 120_000 }, async () => {
    const model = writeConstantCocoModel(dir);
    const cli = await runPosebench(['eval', '--dataset', dataset, '--db', db, '--model', model, '--name', 'constant-cli', '--format', 'json']);
    expect(cli.code, cli.stderr).toBe(0);
    const want = JSON.parse(cli.stdout) as CliReport;
    // the engine picks up what another process stored (sync before each request)
    const app = await call('coco:metrics', {});
    const shown = app.variants.find((v) => v.variant.name === 'constant-cli');
    expect(shown?.variant.kind).toBe('model');
    for (const name of COCO_STAT_NAMES) expect(pct(shown!.stats[name]), name).toBe(want.metrics[name]);
    // the same run again replaces its results under the same name (a model run is always stored fresh)
    const again = await runPosebench(['eval', '--dataset', dataset, '--db', db, '--model', model, '--name', 'constant-cli', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect((await call('coco:variants', {})).filter((v) => v.name === 'constant-cli')).toHaveLength(1);

    // the same model run from the app: the same results, so the same numbers bit for bit
    const started = await call('coco:runModel', { modelPath: model, name: 'constant-app' });
    expect(started.status).toBe('running');
    await expect(call('coco:runModel', { modelPath: model })).rejects.toThrow(/a COCO model run is going/);
    await expect.poll(async () => (await call('coco:runs', {}))[0]!.status, { timeout: 60_000 }).toBe('finished');
    const fromApp = (await call('coco:metrics', {})).variants.find((v) => v.variant.name === 'constant-app')!;
    expect(fromApp.variant.kind).toBe('model');
    expect(fromApp.stats).toEqual(shown!.stats);
    expect(fromApp.keypoints).toEqual(shown!.keypoints);
    await expect(call('coco:runModel', { modelPath: path.join(dir, 'missing.onnx') })).rejects.toThrow(/no such model file/);
    await call('coco:removeVariant', { variantId: fromApp.variant.id });
    await call('coco:removeVariant', { variantId: shown!.variant.id });
  });

  it(
    'corrects the GT in the app: numbers follow, undo restores them, the export re-evaluates to the same numbers, unedited export is byte-equal',
    { timeout: 120_000 },
    async () => {
      const original = path.join(dataset, 'annotations', 'test_coco.json');
      const unedited = path.join(dir, 'unedited.json');
      expect((await call('coco:export', { outFile: unedited })).edited).toBe(0);
      expect(readFileSync(unedited).equals(readFileSync(original))).toBe(true);

      const before = await call('coco:metrics', {});
      // move the left wrist of the first counted person by 40 px (one drag = one burst of two moves)
      const persons = await call('coco:persons', { order: 'file', limit: 5000 });
      const person = persons.items.find((p) => p.counted && p.keypoints[3 * 9 + 2]! > 0)!;
      const [x, y] = [person.keypoints[27]!, person.keypoints[28]!];
      await call('coco:correct', { index: person.index, edit: { kind: 'keypoint', keypoint: 9, xy: [x + 20, y] }, burst: 'drag-1' });
      const moved = await call('coco:correct', { index: person.index, edit: { kind: 'keypoint', keypoint: 9, xy: [x + 40, y] }, burst: 'drag-1' });
      expect(moved.undo).toBe(1);
      // hide its right ankle (v 2 → 1), a separate step
      await call('coco:correct', { index: person.index, edit: { kind: 'visibility', keypoint: 16, v: 1 } });
      const state = await call('workspace:get', {});
      expect(state.dataset?.correctedInstanceCount).toBe(1);
      const after = await call('coco:metrics', {});
      expect(after.variants[0]!.keypoints[9]!.meanErrorBbox).not.toBe(before.variants[0]!.keypoints[9]!.meanErrorBbox);

      // the export holds the edit; posebench eval on it prints the app's numbers
      const editedDir = path.join(dir, 'edited');
      cpSync(dataset, editedDir, { recursive: true });
      const exported = await call('coco:export', { outFile: path.join(editedDir, 'annotations', 'test_coco.json'), overwrite: true });
      expect(exported.edited).toBe(1);
      // never over the annotation file itself: the corrections are made against it
      await expect(call('coco:export', { outFile: original, overwrite: true })).rejects.toThrow(/is the dataset's annotation file/);
      const cli = await runPosebench(['eval', '--dataset', editedDir, '--db', path.join(dir, 'edited.sqlite'), '--predictions', files[0]!, '--format', 'json']);
      expect(cli.code, cli.stderr).toBe(0);
      const cliReport = JSON.parse(cli.stdout) as CliReport;
      for (const name of COCO_STAT_NAMES) expect(pct(after.variants[0]!.stats[name]), name).toBe(cliReport.metrics[name]);
      const written = JSON.parse(readFileSync(path.join(editedDir, 'annotations', 'test_coco.json'), 'utf8')) as { annotations: GtAnnotation[] };
      const edited = written.annotations.find((a) => a.id === person.annotationId)!;
      expect(edited.keypoints.slice(27, 30)).toEqual([x + 40, y, person.keypoints[29]]);
      expect(edited.keypoints[3 * 16 + 2]).toBe(1);

      // posebench eval on the same folder and workspace scores against the corrected GT too
      const same = await runPosebench(['eval', '--dataset', dataset, '--db', db, '--predictions', files[0]!, '--name', 'noisy-3px', '--format', 'json']);
      expect(same.code, same.stderr).toBe(0);
      expect(same.stderr).toMatch(/1 annotation corrected/);
      const sameReport = JSON.parse(same.stdout) as CliReport;
      for (const name of COCO_STAT_NAMES) expect(pct(after.variants[0]!.stats[name]), name).toBe(sameReport.metrics[name]);

      // undo twice: the numbers of before, bit for bit; redo brings the move back
      await call('coco:undo', {});
      const undone = await call('coco:undo', {});
      expect(undone).toMatchObject({ index: person.index, undo: 0, redo: 2 });
      expect(await call('coco:metrics', {})).toEqual(before);
      expect((await call('coco:redo', {})).undo).toBe(1);
      expect((await call('coco:metrics', {})).variants[0]!.keypoints[9]!.meanErrorBbox).toBe(after.variants[0]!.keypoints[9]!.meanErrorBbox);
      await call('coco:undo', {});

      // crowd regions are locked
      const crowd = persons.items.find((p) => p.iscrowd);
      if (crowd !== undefined)
        await expect(call('coco:correct', { index: crowd.index, edit: { kind: 'bbox', box: [1, 1, 10, 10] } })).rejects.toThrow(/crowd region/);
    },
  );

  it(
    'the review queue: a wrist pair swapped in the GT is raised as a flip, the app and posebench qc agree, applying the fix clears it',
    { timeout: 120_000 },
    async () => {
      const gt = JSON.parse(readFileSync(path.join(dataset, 'annotations', 'test_coco.json'), 'utf8')) as { annotations: GtAnnotation[] };
      const close = path.join(dir, 'close-1px.json');
      writeFileSync(close, JSON.stringify(perturbedResults(gt, 9, 1)));
      const added = await call('coco:importResults', { file: close });
      // the largest counted person with both wrists labelled: swap its wrists in the GT (as a bad label would have them)
      const persons = (await call('coco:persons', { order: 'file', limit: 5000 })).items.filter(
        (p) => p.counted && p.index !== 2 && p.keypoints[3 * 9 + 2]! > 0 && p.keypoints[3 * 10 + 2]! > 0,
      );
      const target = persons.sort((a, b) => b.bbox[2] * b.bbox[3] - a.bbox[2] * a.bbox[3])[0]!;
      await call('coco:correct', { index: target.index, edit: { kind: 'swap', pairs: [[9, 10]] } });

      const review = await call('coco:review', {});
      const flip = review.suspects.find((s) => s.kind === 'flip' && s.index === target.index);
      expect(flip, JSON.stringify(review.suspects.slice(0, 3))).toMatchObject({ keypoints: [9, 10], of: 3, fix: { kind: 'swap', pairs: [[9, 10]] } });
      const cli = await runPosebench(['qc', '--dataset', dataset, '--db', db, '--format', 'json']);
      expect(cli.code, cli.stderr).toBe(0);
      const cliReview = JSON.parse(cli.stdout) as { predictors: string[]; suspects: { id: string; score: number; kind: string; index: number }[] };
      expect(cliReview.predictors).toEqual(review.predictors);
      expect(cliReview.suspects.map((s) => [s.id, s.kind, s.index, s.score])).toEqual(review.suspects.map((s) => [s.id, s.kind, s.index, s.score]));

      // "label is right" is kept in the workspace (an engine restart keeps it); it lapses while the
      // person's label differs from what it was judged on (an edit), and holds again once undone
      expect(flip!.decision).toBeNull();
      const decided = await call('coco:decide', { suspectId: flip!.id, verdict: 'label_right' });
      expect(decided.decision.verdict).toBe('label_right');
      const decisionOf = async () => {
        const suspect = (await call('coco:review', {})).suspects.find((s) => s.id === flip!.id);
        return suspect === undefined ? 'not in the queue' : (suspect.decision?.verdict ?? null);
      };
      expect(await decisionOf()).toBe('label_right');
      await service!.close();
      service = await start();
      expect(await decisionOf()).toBe('label_right');
      const v = target.keypoints[3 * 9 + 2]!; // the wrist's visibility, 1 or 2: flip it to the other
      await call('coco:correct', { index: target.index, edit: { kind: 'visibility', keypoint: 9, v: v === 2 ? 1 : 2 } });
      expect(await decisionOf()).toBeNull();
      await call('coco:undo', {});
      expect(await decisionOf()).toBe('label_right');
      // new predictions: judged on other evidence, the decision lapses until they are removed again
      const another = path.join(dir, 'close-2px.json');
      writeFileSync(another, JSON.stringify(perturbedResults(gt, 10, 2)));
      const extra = await call('coco:importResults', { file: another });
      expect(await decisionOf()).toBeNull();
      await call('coco:removeVariant', { variantId: extra.id });
      expect(await decisionOf()).toBe('label_right');
      await expect(call('coco:decide', { suspectId: 'flip:999999:0,1', verdict: 'later' })).rejects.toThrow(/no suspect flip:999999/);

      await call('coco:correct', { index: target.index, edit: flip!.fix! });
      expect((await call('coco:review', {})).suspects.some((s) => s.id === flip!.id)).toBe(false);
      expect((await call('workspace:get', {})).dataset?.correctedInstanceCount).toBe(0);
      await call('coco:removeVariant', { variantId: added.id });
    },
  );

  it('keeps the results across an engine restart; an unchanged re-import is reused; remove; MPII leaves COCO', { timeout: 120_000 }, async () => {
    const before = await call('coco:metrics', {});
    await service!.close();
    service = await start();
    const after = await call('coco:metrics', {});
    expect(after).toEqual(before);
    expect((await call('coco:importResults', { file: files[0]! })).message).toMatch(/unchanged/);

    const removed = await call('coco:removeVariant', { variantId: after.variants[0]!.variant.id });
    expect(removed.message).toMatch(/noisy-3px/);
    expect((await call('coco:variants', {})).map((v) => v.name)).toEqual(['noisy-12px']);
    await expect(call('coco:persons', { variantId: after.variants[0]!.variant.id })).rejects.toThrow(/unknown COCO variant/);

    const demo = await ensureDemo(PROJECT_ROOT);
    const mpii = await call('workspace:open', { datasetDir: demo.datasetDir });
    expect(mpii.dataset?.kind).toBe('mpii');
    await expect(call('coco:metrics', {})).rejects.toThrow(/no COCO dataset is open/);
    const back = await call('workspace:open', { datasetDir: dataset });
    expect(back.dataset?.kind).toBe('coco');
    expect((await call('coco:variants', {})).map((v) => v.name)).toEqual(['noisy-12px']);
  });
});
