/**
 * Issue 6 item 4 acceptance on the full MPII val annotations (../shared): with no corrections the
 * exported json equals the source, and the exported gt .mat, used as the dataset's gt file, gives the
 * same mmpose 0.x PCKh as the original .mat for every published prediction set. Also: the real-fixture
 * corrections scenario, and scipy reading the exported .mat.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataset, type OpenedDataset } from '../../src-main/datasets/open-dataset.ts';
import { buildPckhInputs, computePckh, PCKH_METRIC_KEYS } from '../../src-main/evaluation/pckh.ts';
import { exportAnnotations } from '../../src-main/export/export-annotations.ts';
import { importPredictions } from '../../src-main/formats/predictions-import.ts';
import { openWorkbench } from '../../src-main/workbench/workbench.ts';
import { describeCorrectionScenario } from '../unit/export/correction-scenario.ts';
import { assembleDatasetFolder, makeTempDir, removeDir, scipyAvailable } from '../unit/export/export-test-support.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../support/shared-fixtures.ts';

skipWithoutShared('export round trip on the real MPII val annotations and published predictions');

interface ExpectedEntry {
  readonly coordinate_base: 0 | 1;
  readonly mmpose0x: Record<string, number>;
}

describe.skipIf(!HAS_SHARED)('export of MPII val without corrections', () => {
  let work = '';
  let exportedJson = '';
  let exportedMat = '';
  let original: OpenedDataset;
  let roundTrip: OpenedDataset;

  beforeAll(() => {
    work = makeTempDir('mpii-val');
    const workbench = openWorkbench({ datasetRoot: sharedPath('fixtures', 'mpii-val'), dbFile: path.join(work, 'workspace.sqlite') });
    try {
      original = workbench.dataset;
      exportedJson = path.join(work, 'exported.json');
      exportedMat = path.join(work, 'exported.mat');
      const common = { workspace: workbench.workspace, datasetId: workbench.datasetRecord.id, dataset: workbench.dataset };
      exportAnnotations({ ...common, format: 'mpii-json', outFile: exportedJson });
      exportAnnotations({ ...common, format: 'mpii-mat', outFile: exportedMat });
    } finally {
      workbench.close();
    }
    // The source json next to the exported .mat, in the mmpose layout.
    const folder = path.join(work, 'dataset');
    assembleDatasetFolder(folder, original.annotationFile, exportedMat);
    roundTrip = openDataset(folder);
  });
  afterAll(() => {
    if (work) removeDir(work);
  });

  it('the exported json entries deep-equal the source entries, and the file is byte-identical', () => {
    const source = readFileSync(original.annotationFile);
    const exported = readFileSync(exportedJson);
    expect(JSON.parse(exported.toString('utf8'))).toEqual(JSON.parse(source.toString('utf8')));
    expect(exported.length).toBe(source.length);
    expect(exported.equals(source)).toBe(true);
  });

  it('the exported .mat holds the same ground truth as the original', () => {
    expect(roundTrip.gt!.count).toBe(2958);
    expect(roundTrip.gt!.jointNames).toEqual(original.gt!.jointNames);
    expect(Buffer.from(roundTrip.gt!.positions1Based.buffer).equals(Buffer.from(original.gt!.positions1Based.buffer))).toBe(true);
    expect(Buffer.from(roundTrip.gt!.headBoxes1Based.buffer).equals(Buffer.from(original.gt!.headBoxes1Based.buffer))).toBe(true);
    expect(Buffer.from(roundTrip.gt!.missing).equals(Buffer.from(original.gt!.missing))).toBe(true);
  });

  const predictionsDir = sharedPath('fixtures', 'mpii-predictions');
  const expected: Record<string, ExpectedEntry> = HAS_SHARED
    ? (JSON.parse(readFileSync(path.join(predictionsDir, 'expected.json'), 'utf8')) as Record<string, ExpectedEntry>)
    : {};
  const predictionFiles = HAS_SHARED
    ? readdirSync(predictionsDir)
        .filter((f) => f.endsWith('.json') && f !== 'expected.json')
        .sort()
    : [];

  it('covers every reference prediction file', () => {
    expect(predictionFiles).toHaveLength(5);
    for (const file of predictionFiles) expect(expected[path.basename(file, '.json')], file).toBeDefined();
  });

  it.each(predictionFiles)('%s: PCKh (mmpose 0.x) with the exported .mat equals PCKh with the original, exactly', (file) => {
    const entry = expected[path.basename(file, '.json')]!;
    const { predictions0Based } = importPredictions(path.join(predictionsDir, file), { coordinateBase: entry.coordinate_base, expectedCount: 2958 });
    const pckh = (dataset: OpenedDataset) =>
      computePckh(buildPckhInputs({ protocol: 'mmpose0x', persons: dataset.persons, gt: dataset.gt!, predictions0Based }));
    const withOriginal = pckh(original);
    const withExported = pckh(roundTrip);
    for (const key of PCKH_METRIC_KEYS) {
      expect({ key, value: withExported.metrics[key] }).toEqual({ key, value: withOriginal.metrics[key] });
      expect(withExported.metrics[key]).toBe(withOriginal.metrics[key]);
      // And both are the published numbers.
      expect(withExported.metrics[key]).toBe(entry.mmpose0x[key]);
    }
    expect(Buffer.from(withExported.hits).equals(Buffer.from(withOriginal.hits))).toBe(true);
  });

  it.skipIf(!scipyAvailable())('scipy.io.loadmat reads the exported .mat with the original shapes, dtypes and values', () => {
    const script = [
      'import sys, json, numpy as np, scipy.io as sio',
      'a = sio.loadmat(sys.argv[1]); b = sio.loadmat(sys.argv[2])',
      "out = {k: [str(a[k].dtype), list(a[k].shape), str(b[k].dtype), list(b[k].shape), bool(np.array_equal(a[k], b[k]))] for k in ['pos_gt_src', 'jnt_missing', 'headboxes_src']}",
      "out['dataset_joints'] = [[str(x[0]) for x in a['dataset_joints'][0]] == [str(x[0]) for x in b['dataset_joints'][0]], list(a['dataset_joints'].shape)]",
      'print(json.dumps(out))',
    ].join('\n');
    const result = spawnSync('/usr/bin/python3', ['-c', script, exportedMat, original.gtMatFile!], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      pos_gt_src: ['float64', [16, 2, 2958], 'float64', [16, 2, 2958], true],
      jnt_missing: ['uint8', [16, 2958], 'uint8', [16, 2958], true],
      headboxes_src: ['float64', [2, 2, 2958], 'float64', [2, 2, 2958], true],
      dataset_joints: [true, [1, 16]],
    });
  });
});
if (HAS_SHARED && !scipyAvailable()) console.warn('[skip] scipy check of the exported MPII val .mat: /usr/bin/python3 with scipy is not available');

if (HAS_SHARED) {
  describeCorrectionScenario('export after corrections (real MPII fixture with images, real workspace)', async () => ({
    root: sharedPath('fixtures', 'mpii'),
    cleanup: () => {},
  }));
}
