import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listInstances, registerDataset } from '../../../src-main/store/datasets-repo.ts';
import {
  PREDICTION_FLOATS_PER_INSTANCE,
  pendingInstances,
  predictedInstanceIds,
  readPrediction,
  readRunPredictions,
  writePredictions,
} from '../../../src-main/store/predictions-repo.ts';
import { createRun, getRun, listRunFailures, recordRunFailure, reopenRunForFailedInstances, setRunStatus } from '../../../src-main/store/runs-repo.ts';
import { createVariant, findVariantByName, VariantNameTakenError } from '../../../src-main/store/variants-repo.ts';
import { addLatencyMeasurement, latestLatencyMeasurement, listLatencyMeasurements, shownLatencyMeasurement } from '../../../src-main/store/latency-repo.ts';
import { closeWorkspace, openWorkspace } from '../../../src-main/store/workspace.ts';
import { seededRandom, tempWorkspace, writeSyntheticDataset } from './store-fixtures.ts';

function setup(count: number) {
  const ws = tempWorkspace();
  const { dataset } = registerDataset(ws, writeSyntheticDataset(path.join(ws.dir, 'mpii'), count, 3).input);
  const variant = createVariant(ws, {
    name: 'rtmpose-t',
    kind: 'model',
    sourcePath: 'models/rtmpose-t.onnx',
    headType: 'simcc',
    inputSize: { width: 192, height: 256 },
  });
  const run = createRun(ws, { datasetId: dataset.id, variantId: variant.id, total: count });
  return { ws, datasetId: dataset.id, instances: listInstances(ws, dataset.id), variant, run };
}

/** float32 values including the awkward ones: -0, subnormals, extremes, NaN with a payload, infinities. */
function awkwardFloats(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(count);
  const bits = new Uint32Array(values.buffer);
  for (let i = 0; i < count; i += 1) bits[i] = Math.floor(random() * 2 ** 32);
  values.set([-0, 1.401298464324817e-45, 3.4028234663852886e38, Infinity, -Infinity, 0.1, 1 / 3], 0);
  bits[7] = 0x7fc12345; // a NaN with a payload
  return values;
}

const bitsOf = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('predictions', () => {
  it('writes batches across the 500-row statement chunks bit-exact, later duplicates winning, failures cleared', () => {
    const { ws, run, instances } = setup(1203);
    recordRunFailure(ws, run.id, instances[700]!.id, 'image missing');
    const xyScore = awkwardFloats(instances.length * PREDICTION_FLOATS_PER_INSTANCE, 5);
    // Every instance once, then instance 3 again with other values: the second write is kept.
    const ids = [...instances.map((i) => i.id), instances[3]!.id];
    const values = new Float32Array(ids.length * 48);
    values.set(xyScore, 0);
    values.fill(7.5, instances.length * 48);
    writePredictions(ws, run.id, { instanceIds: ids, xyScore: values });
    const all = readRunPredictions(ws, run.id);
    expect(all.presentCount).toBe(1203);
    expect(getRun(ws, run.id).done).toBe(1203);
    expect(listRunFailures(ws, run.id)).toEqual([]);
    for (const k of [0, 499, 500, 501, 999, 1000, 1202]) {
      expect(bitsOf(readPrediction(ws, run.id, instances[k]!.id)!), `instance ${k}`).toEqual(bitsOf(xyScore.subarray(k * 48, k * 48 + 48)));
    }
    expect(Array.from(readPrediction(ws, run.id, instances[3]!.id)!)).toEqual(new Array<number>(48).fill(7.5));
  });

  it('round-trip bit-exact as float32, single and as a whole run in dataset order', () => {
    const { ws, run, instances } = setup(6);
    const xyScore = awkwardFloats(instances.length * PREDICTION_FLOATS_PER_INSTANCE, 11);
    // Written out of order and in two batches.
    const order = [4, 1, 5, 0, 2, 3];
    // Copies go through same-type TypedArray.set / Uint32 views: a JS number round trip may canonicalise NaN payloads.
    const batch = (ks: number[]) => {
      const values = new Float32Array(ks.length * 48);
      ks.forEach((k, i) => values.set(xyScore.subarray(k * 48, k * 48 + 48), i * 48));
      return { instanceIds: ks.map((k) => instances[k]!.id), xyScore: values };
    };
    writePredictions(ws, run.id, batch(order.slice(0, 3)));
    writePredictions(ws, run.id, batch(order.slice(3)));

    expect(bitsOf(readPrediction(ws, run.id, instances[4]!.id)!)).toEqual(bitsOf(xyScore.subarray(4 * 48, 5 * 48)));
    const all = readRunPredictions(ws, run.id);
    expect(all.instances.map((i) => i.id)).toEqual(instances.map((i) => i.id));
    expect(all.presentCount).toBe(6);
    const sourceBits = bitsOf(xyScore);
    const expectedCoordBits: number[] = [];
    const expectedScoreBits: number[] = [];
    for (let n = 0; n < 6; n += 1) {
      for (let j = 0; j < 16; j += 1) {
        expectedCoordBits.push(sourceBits[n * 48 + j * 3]!, sourceBits[n * 48 + j * 3 + 1]!);
        expectedScoreBits.push(sourceBits[n * 48 + j * 3 + 2]!);
      }
    }
    expect(sourceBits.filter((b) => (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0).length).toBeGreaterThan(0); // NaNs are in the data
    expect(bitsOf(all.coords)).toEqual(expectedCoordBits);
    expect(bitsOf(all.scores)).toEqual(expectedScoreBits);
    expect(getRun(ws, run.id).done).toBe(6);
  });

  it('survive closing and re-opening the file', () => {
    const { ws, run, instances } = setup(2);
    const values = awkwardFloats(2 * 48, 5);
    writePredictions(ws, run.id, { instanceIds: instances.map((i) => i.id), xyScore: values });
    closeWorkspace(ws);
    const again = openWorkspace(ws.file);
    try {
      const back = readRunPredictions(again, run.id);
      expect(back.presentCount).toBe(2);
      expect(bitsOf(readPrediction(again, run.id, instances[1]!.id)!)).toEqual(bitsOf(values.subarray(48)));
    } finally {
      closeWorkspace(again);
    }
  });

  it('tell a resumed run which instances are left, with or without earlier failures', () => {
    const { ws, run, instances } = setup(8);
    const ids = instances.map((i) => i.id);
    setRunStatus(ws, run.id, 'running');
    writePredictions(ws, run.id, { instanceIds: [ids[0]!, ids[2]!, ids[3]!], xyScore: new Float32Array(3 * 48).fill(1.5) });
    recordRunFailure(ws, run.id, ids[5]!, 'image 000100005.jpg: truncated JPEG');
    setRunStatus(ws, run.id, 'cancelled');

    expect([...predictedInstanceIds(ws, run.id)].sort((a, b) => a - b)).toEqual([ids[0], ids[2], ids[3]]);
    expect(pendingInstances(ws, run.id).map((i) => i.id)).toEqual([ids[1], ids[4], ids[5], ids[6], ids[7]]);
    expect(pendingInstances(ws, run.id, { retryFailed: false }).map((i) => i.id)).toEqual([ids[1], ids[4], ids[6], ids[7]]);
    expect(listRunFailures(ws, run.id)).toEqual([
      { instanceId: ids[5], entryIndex: 5, image: instances[5]!.image, reason: 'image 000100005.jpg: truncated JPEG' },
    ]);
    const partial = readRunPredictions(ws, run.id);
    expect(Array.from(partial.present)).toEqual([1, 0, 1, 1, 0, 0, 0, 0]);
    expect(Number.isNaN(partial.coords[1 * 32])).toBe(true);
    expect(getRun(ws, run.id)).toMatchObject({ status: 'cancelled', done: 3, total: 8 });

    // Resume: the failed instance succeeds this time, its failure goes away.
    setRunStatus(ws, run.id, 'running');
    writePredictions(ws, run.id, { instanceIds: [ids[1]!, ids[4]!, ids[5]!, ids[6]!, ids[7]!], xyScore: new Float32Array(5 * 48).fill(2.5) });
    expect(pendingInstances(ws, run.id)).toEqual([]);
    expect(listRunFailures(ws, run.id)).toEqual([]);
    const finished = setRunStatus(ws, run.id, 'done');
    expect(finished).toMatchObject({ status: 'done', done: 8, error: null });
    expect(finished.finishedAt).not.toBeNull();
    expect(() => setRunStatus(ws, run.id, 'running')).toThrow(/cannot go from 'done' to 'running'/);
    // Without failures there is nothing to try again: it stays done.
    expect(reopenRunForFailedInstances(ws, run.id)).toBe(0);
    expect(getRun(ws, run.id).status).toBe('done');
  });

  it('a finished run with failed instances reopens for them only, and they clear as they succeed', () => {
    const { ws, run, instances } = setup(3);
    const ids = instances.map((i) => i.id);
    setRunStatus(ws, run.id, 'running');
    writePredictions(ws, run.id, { instanceIds: [ids[0]!, ids[2]!], xyScore: new Float32Array(2 * 48).fill(1) });
    recordRunFailure(ws, run.id, ids[1]!, 'image missing');
    setRunStatus(ws, run.id, 'done');
    expect(reopenRunForFailedInstances(ws, run.id)).toBe(1);
    expect(getRun(ws, run.id)).toMatchObject({ status: 'running', finishedAt: null });
    expect(pendingInstances(ws, run.id).map((i) => i.id)).toEqual([ids[1]]);
    writePredictions(ws, run.id, { instanceIds: [ids[1]!], xyScore: new Float32Array(48).fill(3) });
    expect(listRunFailures(ws, run.id)).toEqual([]);
    expect(setRunStatus(ws, run.id, 'done')).toMatchObject({ status: 'done', done: 3 });
    setRunStatus(ws, run.id, 'done');
    expect(() => reopenRunForFailedInstances(ws, createRun(ws, { datasetId: run.datasetId, variantId: run.variantId, total: 3 }).id)).toThrow(/not 'done'/);
  });

  it('reject a batch whose size does not match its instances, writing nothing', () => {
    const { ws, run, instances } = setup(2);
    expect(() => writePredictions(ws, run.id, { instanceIds: [instances[0]!.id, instances[1]!.id], xyScore: new Float32Array(48) })).toThrow(RangeError);
    expect(predictedInstanceIds(ws, run.id).size).toBe(0);
  });
});

describe('variants', () => {
  it('have unique names per workspace and keep their metadata', () => {
    const { ws, variant } = setup(1);
    expect(() => createVariant(ws, { name: ' rtmpose-t ', kind: 'imported', sourcePath: 'x.json' })).toThrow(VariantNameTakenError);
    const base = { runId: null, identityKey: 'k1', modelSha256: 'ab', n: 50, warmup: 5, p5Ms: 3, p25Ms: 3.1, p75Ms: 3.4, meanMs: 3.3, minMs: 2.9 };
    addLatencyMeasurement(ws, { ...base, variantId: variant.id, medianMs: 3.25, p95Ms: 4.5, environment: { cpu: 'test', threads: 1 } });
    addLatencyMeasurement(ws, { ...base, variantId: variant.id, identityKey: 'k2', medianMs: 3.5, p95Ms: 4.75, environment: { cpu: 'test', threads: 1 } });
    expect(findVariantByName(ws, 'rtmpose-t')).toMatchObject({
      kind: 'model',
      headType: 'simcc',
      inputSize: { width: 192, height: 256 },
      hidden: false,
      decoderOptions: {},
    });
    // History newest first; the newest of one identity on request.
    expect(listLatencyMeasurements(ws, variant.id).map((m) => m.medianMs)).toEqual([3.5, 3.25]);
    expect(latestLatencyMeasurement(ws, variant.id, 'k1')).toMatchObject({
      medianMs: 3.25,
      p5Ms: 3,
      p95Ms: 4.5,
      n: 50,
      environment: { cpu: 'test', threads: 1 },
    });
    expect(latestLatencyMeasurement(ws, variant.id)?.medianMs).toBe(3.5);
    // What every view and report shows: the current run's identity first (k1 although k2 is newer),
    // else the newest of any identity.
    expect(shownLatencyMeasurement(ws, variant.id, 'k1')?.medianMs).toBe(3.25);
    expect(shownLatencyMeasurement(ws, variant.id, 'never-measured')?.medianMs).toBe(3.5);
    expect(shownLatencyMeasurement(ws, variant.id, null)?.medianMs).toBe(3.5);
  });
});
