/**
 * The engine answers every metrics-bearing call under the requested PCKh protocol (mmpose0x default,
 * mmpose1x). Real engine service on a real temp workspace with the demo dataset, predictions equal to
 * the json GT, and one head box corrected to zero size: the one place the two protocols must differ
 * (spec §3 item 6 and (f)): 0.x scores that person's joints as misses (d / 0 is never <= 0.5), 1.x
 * leaves the person out at 0.5. Expected values are worked out from the demo json, not from the code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, type RequestInput, type Response } from '../../../src-main/api/contract.ts';
import { parseRequest } from '../../../src-main/api/request-schemas.ts';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import { createEngineService } from '../../../src-main/engine/engine-service.ts';
import type { EngineService } from '../../../src-main/engine/engine-server.ts';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

const J = 16;
/** Joints left out of the Mean (pelvis, thorax): spec §2 step 10. */
const EXCLUDED = new Set([6, 7]);

interface JsonPerson {
  joints: [number, number][];
  joints_vis: number[];
}

describe('engine: metrics under either PCKh protocol', () => {
  let service: EngineService;
  let persons: JsonPerson[];
  let dir = '';
  const variantIds: string[] = [];

  async function call<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
    const handler = service.handlers[channel] as (req: unknown) => Promise<Response<C>>;
    return handler(parseRequest(channel, request));
  }

  beforeAll(async () => {
    const demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-engine-protocol-'));
    persons = JSON.parse(readFileSync(path.join(demo.datasetDir, 'annotations', 'mpii_val.json'), 'utf8')) as JsonPerson[];
    // Predictions = the json GT itself (1-based, as the json has it): every annotated joint is a hit.
    const predsFile = path.join(dir, 'gt-as-predictions.json');
    writeFileSync(predsFile, JSON.stringify({ preds: persons.map((p) => p.joints) }));
    service = await createEngineService(
      { dbPath: path.join(dir, 'ws.sqlite'), datasetDir: demo.datasetDir, projectRoot: PROJECT_ROOT, cacheDir: path.join(dir, 'cache') },
      () => undefined,
    );
    for (const name of ['perfect-a', 'perfect-b']) {
      const variant = await call('variants:importPredictions', { file: predsFile, name, coordinateBase: 1 });
      variantIds.push(variant.id);
    }
    // Instance 0's head box collapsed to a point.
    await call('corrections:apply', { instanceIndex: 0, edit: { kind: 'headbox', box: [100, 50, 100, 50] } });
  }, 120_000);

  afterAll(async () => {
    await service?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  /** Persons with joint j annotated (json joints_vis; the demo's .mat agrees). */
  const annotated = (j: number) => persons.filter((p) => p.joints_vis[j] !== 0).length;
  const firstHas = (j: number) => persons[0]!.joints_vis[j] !== 0;

  it('scores the zero-head-box person as a miss under 0.x and leaves it out under 1.x', async () => {
    const old = await call('metrics:table', {});
    const zero = await call('metrics:table', { protocol: 'mmpose0x' });
    const one = await call('metrics:table', { protocol: 'mmpose1x' });
    expect(old).toEqual(zero); // the default is 0.x
    expect(zero.protocol).toBe('mmpose0x');
    expect(one.protocol).toBe('mmpose1x');
    expect(zero.perJoint).toHaveLength(2);
    let differing = 0;
    for (let j = 0; j < J; j++) {
      const c = annotated(j);
      const expected0x = firstHas(j) ? (100 * (c - 1)) / c : 100;
      expect(zero.perJoint[0]!.pckh[j], `0.x joint ${j}`).toBeCloseTo(expected0x, 10);
      expect(one.perJoint[0]!.pckh[j], `1.x joint ${j}`).toBeCloseTo(100, 10);
      // The 0.1 sweep: 1.x counts the person as a hit there (hs replaced by 1e6), 0.x as a miss.
      expect(one.perJoint[0]!.pckhAt01[j], `1.x@0.1 joint ${j}`).toBeCloseTo(100, 4);
      expect(zero.perJoint[0]!.pckhAt01[j], `0.x@0.1 joint ${j}`).toBeCloseTo(expected0x, 4);
      if (firstHas(j)) differing++;
    }
    expect(differing).toBeGreaterThan(0);
    expect(one.rows[0]!.values.PCKh).toBeCloseTo(100, 10);
    let weighted = 0;
    let total = 0;
    for (let j = 0; j < J; j++) {
      if (EXCLUDED.has(j)) continue;
      total += annotated(j);
      weighted += annotated(j) - (firstHas(j) ? 1 : 0);
    }
    expect(zero.rows[0]!.values.PCKh).toBeCloseTo((100 * weighted) / total, 10);
    // Cached: asking again gives the same answer.
    expect(await call('metrics:table', { protocol: 'mmpose1x' })).toEqual(one);
  });

  it('failures, instances, instance detail, compare and curves follow the protocol', async () => {
    const joint = [...Array(J).keys()].find((j) => firstHas(j) && !EXCLUDED.has(j))!;
    const [a, b] = variantIds as [string, string];
    const failures0 = await call('failures:list', { variantId: a, joint });
    const failures1 = await call('failures:list', { variantId: a, joint, protocol: 'mmpose1x' });
    expect(failures0.missCount).toBe(1);
    expect(failures0.items[0]!.instanceIndex).toBe(0);
    expect(failures0.total).toBe(annotated(joint));
    expect(failures1.missCount).toBe(0);
    expect(failures1.total).toBe(annotated(joint) - 1);

    const misses0 = await call('instances:list', { variantId: a, outcome: 'miss' });
    const misses1 = await call('instances:list', { variantId: a, outcome: 'miss', protocol: 'mmpose1x' });
    expect(misses0.items.map((i) => i.instanceIndex)).toEqual([0]);
    expect(misses1.total).toBe(0);

    const detail0 = await call('instance:get', { instanceIndex: 0, variantIds: [a] });
    const detail1 = await call('instance:get', { instanceIndex: 0, variantIds: [a], protocol: 'mmpose1x' });
    expect(detail0.predictions[0]!.hits[joint]).toBe(false);
    expect(detail1.predictions[0]!.hits[joint]).toBeNull();

    const filter0 = await call('compare:filter', { a, b, joint, relation: 'both-miss' });
    const filter1 = await call('compare:filter', { a, b, joint, relation: 'both-miss', protocol: 'mmpose1x' });
    expect(filter0.instanceIndices).toEqual([0]);
    expect(filter1.total).toBe(0);
    const compare1 = await call('compare:table', { variantIds: [a, b], protocol: 'mmpose1x' });
    expect(compare1.rows[0]!.values.PCKh).toBeCloseTo(100, 10);

    const curves1 = await call('metrics:curves', { protocol: 'mmpose1x' });
    expect(curves1.series[0]!.mean.at(-1)).toBeCloseTo(100, 4);
    const curves0 = await call('metrics:curves', {});
    expect(curves0.series[0]!.mean.at(-1)!).toBeLessThan(100);
  });

  it('re-evaluation after corrections names and uses the protocol', async () => {
    const joint = [...Array(J).keys()].find((j) => firstHas(j) && !EXCLUDED.has(j))!;
    const zero = await call('corrections:reevaluate', {});
    const one = await call('corrections:reevaluate', { protocol: 'mmpose1x' });
    expect(zero.protocol).toBe('mmpose0x');
    expect(one.protocol).toBe('mmpose1x');
    // 0.x: the corrected head box turns instance 0's hits into misses; 1.x: into "not evaluated".
    expect(zero.variants[0]!.changes.find((c) => c.joint === joint)?.after).toBe('miss');
    expect(one.variants[0]!.changes.find((c) => c.joint === joint)?.after).toBe('not-evaluated');
    expect(one.variants[0]!.correctedPerJoint[joint]).toBeCloseTo(100, 10);
  });

  it('an undo reaches the cached 1.x numbers too (keyed by GT revision)', async () => {
    await call('corrections:undo', {});
    const zero = await call('metrics:table', {});
    const one = await call('metrics:table', { protocol: 'mmpose1x' });
    for (let j = 0; j < J; j++) {
      expect(zero.perJoint[0]!.pckh[j]).toBeCloseTo(100, 10);
      expect(one.perJoint[0]!.pckh[j]).toBeCloseTo(100, 10);
    }
    expect(one.gtRevision).toBe(zero.gtRevision);
  });

  it('rejects an unknown protocol', async () => {
    expect(() => parseRequest('metrics:table', { protocol: 'mmpose2x' })).toThrow(/protocol/);
  });
});
