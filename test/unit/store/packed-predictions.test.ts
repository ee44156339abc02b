/**
 * A run's predictions as one packed record (migration 6): written when a run is stored whole or
 * finishes, read instead of the rows, dropped by the triggers on any change to the rows (plain SQL
 * included), built by the migration for finished runs of an older workspace. Reads are compared bit
 * for bit with the rows themselves. Then the workbench around it: a changed annotation file and a
 * correction are both seen after reopening (real demo files, real workspace).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import { applyCorrection, effectiveAnnotations } from '../../../src-main/store/corrections-repo.ts';
import { listInstances, registerDataset } from '../../../src-main/store/datasets-repo.ts';
import { MIGRATIONS } from '../../../src-main/store/migrations.ts';
import { writePackedPredictions } from '../../../src-main/store/packed-predictions.ts';
import { PREDICTION_FLOATS_PER_INSTANCE, readRunPredictions, writePredictions } from '../../../src-main/store/predictions-repo.ts';
import { createRun, currentRun, getRun, setRunStatus } from '../../../src-main/store/runs-repo.ts';
import { storeVariantResults } from '../../../src-main/store/variant-results.ts';
import { createVariant } from '../../../src-main/store/variants-repo.ts';
import { closeWorkspace, openWorkspace, type Workspace } from '../../../src-main/store/workspace.ts';
import { importPredictionsVariant } from '../../../src-main/workbench/import-variant.ts';
import { openWorkbench } from '../../../src-main/workbench/workbench.ts';
import { seededRandom, tempDir, writeSyntheticDataset } from './store-fixtures.ts';

const F = PREDICTION_FLOATS_PER_INSTANCE;

/** Random bit patterns (NaN payloads, -0, zero bytes included): any re-encoding would show. */
function awkwardFloats(count: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const values = new Float32Array(count);
  const bits = new Uint32Array(values.buffer);
  for (let i = 0; i < count; i += 1) bits[i] = Math.floor(random() * 2 ** 32);
  bits[0] = 0x7fc12345;
  bits[1] = 0;
  bits[2] = 0x80000000;
  return values;
}

/** What the rows hold, read one by one with plain SQL: entry order, bits of x, y, score per joint. */
function rowsAsBits(ws: Workspace, runId: number): (number[] | null)[] {
  const rows = ws.db
    .prepare(
      `SELECT p.xy_score FROM instances i LEFT JOIN predictions p ON p.run_id = ? AND p.instance_id = i.id
       WHERE i.dataset_id = (SELECT dataset_id FROM runs WHERE id = ?) AND i.retired_at IS NULL ORDER BY i.entry_index`,
    )
    .pluck()
    .all(runId, runId) as (Buffer | null)[];
  return rows.map((blob) => (blob === null ? null : Array.from(new Uint32Array(new Uint8Array(blob).buffer))));
}

/** The same from readRunPredictions (coords and scores re-interleaved as stored). */
function readAsBits(ws: Workspace, runId: number): (number[] | null)[] {
  const run = readRunPredictions(ws, runId);
  const coords = new Uint32Array(run.coords.buffer);
  const scores = new Uint32Array(run.scores.buffer);
  return run.instances.map((_, n) => {
    if (run.present[n] !== 1) return null;
    const bits: number[] = [];
    for (let j = 0; j < 16; j += 1) bits.push(coords[(n * 16 + j) * 2]!, coords[(n * 16 + j) * 2 + 1]!, scores[n * 16 + j]!);
    return bits;
  });
}

const isPacked = (ws: Workspace, runId: number) => ws.db.prepare('SELECT 1 FROM run_predictions_packed WHERE run_id = ?').get(runId) !== undefined;

function setup(file: string, count: number, migrations = MIGRATIONS) {
  const ws = openWorkspace(file, { migrations });
  const { dataset } = registerDataset(ws, writeSyntheticDataset(path.join(path.dirname(file), 'mpii'), count, 4).input);
  const variant = createVariant(ws, { name: 'imported', kind: 'imported', sourcePath: '/p.json', datasetId: dataset.id });
  return { ws, datasetId: dataset.id, instances: listInstances(ws, dataset.id), variantId: variant.id };
}

describe('packed predictions', () => {
  it('a run stored whole is packed and reads back bit for bit as its rows', () => {
    const { ws, datasetId, instances, variantId } = setup(path.join(tempDir(), 'ws.sqlite'), 700);
    try {
      const run = createRun(ws, { datasetId, variantId, total: instances.length });
      // Stored in another order than the dataset's, without instance 5.
      const order = instances
        .map((_, n) => n)
        .reverse()
        .filter((n) => n !== 5);
      const values = awkwardFloats(instances.length * F, 3);
      const xyScore = new Float32Array(order.length * F);
      order.forEach((n, k) => xyScore.set(values.subarray(n * F, (n + 1) * F), k * F));
      storeVariantResults(ws, run.id, { predictions: { instanceIds: order.map((n) => instances[n]!.id), xyScore }, finalStatus: 'done' });
      expect(isPacked(ws, run.id)).toBe(true);
      expect(getRun(ws, run.id).done).toBe(699);
      const read = readAsBits(ws, run.id);
      expect(read).toEqual(rowsAsBits(ws, run.id));
      expect(read[5]).toBeNull();
      expect(read[0]).toEqual(Array.from(new Uint32Array(values.buffer, 0, F)));
      expect(readRunPredictions(ws, run.id).presentCount).toBe(699);
    } finally {
      closeWorkspace(ws);
    }
  });

  it('any change to the rows drops the packed copy, plain SQL included; a finished run is packed again', () => {
    const { ws, datasetId, instances, variantId } = setup(path.join(tempDir(), 'ws.sqlite'), 40);
    try {
      const run = createRun(ws, { datasetId, variantId, total: instances.length });
      // A model run: batches, then 'done' packs the rows in SQL.
      const values = awkwardFloats(instances.length * F, 9);
      writePredictions(ws, run.id, { instanceIds: instances.slice(0, 25).map((i) => i.id), xyScore: values.slice(0, 25 * F) });
      expect(isPacked(ws, run.id)).toBe(false);
      writePredictions(ws, run.id, { instanceIds: instances.slice(25).map((i) => i.id), xyScore: values.slice(25 * F) });
      setRunStatus(ws, run.id, 'running');
      setRunStatus(ws, run.id, 'done');
      expect(isPacked(ws, run.id)).toBe(true);
      expect(readAsBits(ws, run.id)).toEqual(rowsAsBits(ws, run.id));

      // Another process deletes a row with plain SQL: the copy goes, the read follows the rows.
      const other = new Database(ws.file);
      other.prepare('DELETE FROM predictions WHERE run_id = ? AND instance_id = ?').run(run.id, instances[7]!.id);
      expect(isPacked(ws, run.id)).toBe(false);
      expect(readAsBits(ws, run.id)[7]).toBeNull();
      expect(readAsBits(ws, run.id)).toEqual(rowsAsBits(ws, run.id));

      // Packed again, then a row replaced and one updated in place.
      setRunStatus(ws, run.id, 'done');
      expect(isPacked(ws, run.id)).toBe(true);
      writePredictions(ws, run.id, { instanceIds: [instances[3]!.id], xyScore: new Float32Array(F).fill(2.5) });
      expect(isPacked(ws, run.id)).toBe(false);
      expect(readRunPredictions(ws, run.id).coords[3 * 32]).toBe(2.5);
      setRunStatus(ws, run.id, 'done');
      other
        .prepare('UPDATE predictions SET xy_score = ? WHERE run_id = ? AND instance_id = ?')
        .run(Buffer.from(new Float32Array(F).fill(-4).buffer), run.id, instances[9]!.id);
      other.close();
      expect(isPacked(ws, run.id)).toBe(false);
      expect(readRunPredictions(ws, run.id).scores[9 * 16]).toBe(-4);
      expect(readAsBits(ws, run.id)).toEqual(rowsAsBits(ws, run.id));

      // Rows of another size are never packed, and the read names the instance.
      const broken = createRun(ws, { datasetId, variantId, total: instances.length });
      ws.db.prepare('INSERT INTO predictions (run_id, instance_id, xy_score) VALUES (?, ?, ?)').run(broken.id, instances[2]!.id, Buffer.alloc(8));
      setRunStatus(ws, broken.id, 'done');
      expect(isPacked(ws, broken.id)).toBe(false);
      expect(() => readRunPredictions(ws, broken.id)).toThrow(`run ${broken.id} instance ${instances[2]!.id} has 2 prediction values`);
    } finally {
      closeWorkspace(ws);
    }
  });

  it('migrates a version-5 workspace: finished runs are packed, the others are not, reads are unchanged', () => {
    const file = path.join(tempDir(), 'ws.sqlite');
    const old = setup(file, 300, MIGRATIONS.slice(0, 5));
    const values = awkwardFloats(300 * F, 21);
    // Written as a version-5 posebench wrote them: rows, then the status.
    const insert = old.ws.db.prepare('INSERT INTO predictions (run_id, instance_id, xy_score) VALUES (?, ?, ?)');
    const writeRows = (runId: number, count: number) =>
      old.instances.slice(0, count).forEach((instance, n) => insert.run(runId, instance.id, Buffer.from(values.slice(n * F, (n + 1) * F).buffer)));
    const done = createRun(old.ws, { datasetId: old.datasetId, variantId: old.variantId, total: 300 });
    writeRows(done.id, 300);
    old.ws.db.prepare("UPDATE runs SET status = 'done', finished_at = 't', current_at = 't' WHERE id = ?").run(done.id);
    const partial = createRun(old.ws, { datasetId: old.datasetId, variantId: old.variantId, total: 300 });
    writeRows(partial.id, 100);
    const before = [rowsAsBits(old.ws, done.id), rowsAsBits(old.ws, partial.id)];
    closeWorkspace(old.ws);

    const ws = openWorkspace(file);
    try {
      // 6 packs the runs; later migrations follow it
      expect(ws.migrated).toEqual(MIGRATIONS.filter((m) => m.version > 5).map((m) => m.version));
      expect(isPacked(ws, done.id)).toBe(true);
      expect(isPacked(ws, partial.id)).toBe(false);
      expect([readAsBits(ws, done.id), readAsBits(ws, partial.id)]).toEqual(before);
      expect(readAsBits(ws, done.id)).toEqual(rowsAsBits(ws, done.id));
      expect(currentRun(ws, old.datasetId, old.variantId)?.id).toBe(done.id);
    } finally {
      closeWorkspace(ws);
    }
  });
});

describe('reopening after an import (the engine and CLI open through openWorkbench)', () => {
  it('sees a changed annotation file and keeps a correction; the stored run reads the same', async () => {
    const root = tempDir();
    const demo = await ensureDemo(root, { count: 6 });
    const dbFile = path.join(root, 'workspace.sqlite');
    const predictionsFile = path.join(root, 'preds.json');
    let wb = openWorkbench({ datasetRoot: demo.datasetDir, dbFile });
    const persons = wb.dataset.persons;
    writeFileSync(predictionsFile, JSON.stringify({ preds: persons.map((p) => p.joints.map((xy) => (xy ? [xy[0] + 1, xy[1]] : [0, 0]))) }));
    const imported = importPredictionsVariant(wb, { file: predictionsFile, coordinateBase: 0, protocol: 'mmpose0x' });
    const runId = imported.runId;
    const storedBefore = readAsBits(wb.workspace, runId);
    const instanceId = effectiveAnnotations(wb.workspace, wb.datasetRecord.id).instances[2]!.id;
    applyCorrection(wb.workspace, { instanceId, kind: 'joint', joint: 4, xy: [11.5, 12.25] });
    wb.close();

    // Reopened as is: the correction is part of the effective GT.
    wb = openWorkbench({ datasetRoot: demo.datasetDir, dbFile });
    expect(wb.registration.status).toBe('unchanged');
    expect(effectiveAnnotations(wb.workspace, wb.datasetRecord.id).annotations[2]!.joints[4]).toEqual([11.5, 12.25]);
    expect(readAsBits(wb.workspace, runId)).toEqual(storedBefore);
    wb.close();

    // The annotation json changes on disk (person 0's head joint moves): seen on the next open,
    // the correction on person 2 still applies.
    const annotationFile = wb.dataset.annotationFile;
    const json = JSON.parse(readFileSync(annotationFile, 'utf8')) as { joints: number[][] }[];
    json[0]!.joints[9] = [json[0]!.joints[9]![0]! + 7, json[0]!.joints[9]![1]!];
    writeFileSync(annotationFile, JSON.stringify(json));
    wb = openWorkbench({ datasetRoot: demo.datasetDir, dbFile });
    try {
      expect(wb.registration.status).toBe('reimported');
      const truth = effectiveAnnotations(wb.workspace, wb.datasetRecord.id);
      expect(truth.annotations[0]!.joints[9]![0]).toBeCloseTo(persons[0]!.joints[9]![0] + 7, 9);
      expect(truth.annotations[0]!.raw['joints']).toEqual(json[0]!.joints);
      expect(truth.annotations[2]!.joints[4]).toEqual([11.5, 12.25]);
      expect(readAsBits(wb.workspace, runId)).toEqual(storedBefore);
    } finally {
      wb.close();
    }
  });
});

describe('writePackedPredictions', () => {
  it('packs only distinct non-negative integer ids, ascending or not', () => {
    const db = new Database(':memory:');
    try {
      for (const migration of MIGRATIONS) migration.up(db);
      db.exec(`INSERT INTO datasets (id, root, layout, split, annotation_file, fingerprint, opened_at, imported_at) VALUES (1, '/d', 'mmpose', 'val', '/d/a.json', 'f', 'now', 'now');
        INSERT INTO variants (id, name, kind, source_path, created_at) VALUES (1, 'v', 'imported', '/x', 'now');
        INSERT INTO runs (id, dataset_id, variant_id, status, total, created_at) VALUES (1, 1, 1, 'done', 3, 'now');`);
      const xyScore = new Float32Array(3 * F);
      const cases: [number[], boolean][] = [
        [[1, 2, 3], true],
        [[3, 1, 2], true],
        [[1, 2, 2], false],
        [[2, 1, 2], false],
        [[1, -2, 3], false],
        [[1, 2.5, 3], false],
        [[1, Number.NaN, 3], false],
      ];
      for (const [ids, packed] of cases) expect(writePackedPredictions(db, 1, ids, xyScore), ids.join(',')).toBe(packed);
    } finally {
      db.close();
    }
  });
});
