/**
 * Predictions made elsewhere (json / MAT v5 `preds`) become a variant like a model run: one run
 * holding the predictions, scored and stored (issue 2 item 4).
 */
import path from 'node:path';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import type { InputWarning } from '../core/errors.ts';
import { importPredictions } from '../formats/predictions-import.ts';
import { listInstances } from '../store/datasets-repo.ts';
import { storeVariantResults } from '../store/variant-results.ts';
import { createRun, deleteRun, listRuns } from '../store/runs-repo.ts';
import { createVariant, findVariantByName, type VariantRecord } from '../store/variants-repo.ts';
import { evaluateRun, type RunEvaluation } from './evaluate-run.ts';
import type { Workbench } from './workbench.ts';

const J = MPII_JOINT_COUNT;

export interface ImportVariantOptions {
  readonly file: string;
  readonly coordinateBase: 0 | 1;
  readonly protocol: PckhProtocol;
  /** Default: the file's base name. */
  readonly name?: string | undefined;
}

export interface ImportedVariant extends RunEvaluation {
  readonly variant: VariantRecord;
  readonly warnings: InputWarning[];
}

export function importPredictionsVariant(wb: Workbench, options: ImportVariantOptions): ImportedVariant {
  const { workspace: ws, datasetRecord } = wb;
  const instances = listInstances(ws, datasetRecord.id);
  const imported = importPredictions(options.file, { coordinateBase: options.coordinateBase, expectedCount: instances.length });
  const source = path.resolve(options.file);
  const variant = variantForSource(wb, options.name ?? path.basename(source, path.extname(source)), source);

  // Re-importing the same file replaces its earlier run: one variant, one current set of predictions.
  for (const oldRun of listRuns(ws, { variantId: variant.id })) deleteRun(ws, oldRun.id);
  const run = createRun(ws, {
    datasetId: datasetRecord.id,
    variantId: variant.id,
    total: instances.length,
    options: { coordinateBase: options.coordinateBase, importedFrom: source },
  });
  const xyScore = new Float32Array(instances.length * J * 3);
  for (let k = 0; k < instances.length * J; k += 1) {
    xyScore[k * 3] = imported.predictions0Based[k * 2]!;
    xyScore[k * 3 + 1] = imported.predictions0Based[k * 2 + 1]!;
    xyScore[k * 3 + 2] = imported.scores ? imported.scores[k]! : Number.NaN;
  }
  storeVariantResults(ws, run.id, {
    predictions: { instanceIds: instances.map((instance) => instance.id), xyScore },
    finalStatus: 'done',
  });
  const evaluation = evaluateRun(ws, run.id, options.protocol);
  return { ...evaluation, variant, warnings: imported.warnings };
}

/** The variant of this source file, reusing a same-named one only when it came from the same file. */
function variantForSource(wb: Workbench, baseName: string, source: string): VariantRecord {
  const ws = wb.workspace;
  for (let attempt = 1; ; attempt += 1) {
    const name = attempt === 1 ? baseName : `${baseName} (${attempt})`;
    const existing = findVariantByName(ws, name);
    if (existing === undefined) {
      return createVariant(ws, { name, kind: 'imported', sourcePath: source, datasetId: wb.datasetRecord.id });
    }
    if (existing.kind === 'imported' && existing.sourcePath === source) return existing;
  }
}
