/**
 * Predictions made elsewhere (json / MAT v5 `preds`) become a variant like a model run: one run
 * holding the predictions, scored and stored (issue 2 item 4). Its identity is the file's sha256 and
 * the coordinate base (run-identity.ts): importing the same bytes again reuses that run; changed bytes
 * make a new run, and the earlier one stays in the history.
 */
import path from 'node:path';
import { MPII_JOINT_COUNT } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import type { InputWarning } from '../core/errors.ts';
import { importPredictions, readPredictionFile } from '../formats/predictions-import.ts';
import { effectiveAnnotations } from '../store/corrections-repo.ts';
import type { RunPredictions } from '../store/predictions-repo.ts';
import { storeVariantResults } from '../store/variant-results.ts';
import { createRun, currentRun, latestRunWithIdentity, markRunCurrent, type RunRecord } from '../store/runs-repo.ts';
import { createVariant, findVariantByName, type VariantRecord } from '../store/variants-repo.ts';
import { evaluateRun, type RunEvaluation } from './evaluate-run.ts';
import { digestFileSync } from './file-digest.ts';
import { manifestOf, predictionsRunManifest, type RunManifest } from './run-manifest.ts';
import { identityKey, type PredictionsRunIdentity } from './run-identity.ts';
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
  /**
   * 'new': first import of these bytes; 'reuse': the same bytes and coordinate base were imported
   * before (that run is current again); 'replaced': the variant held other predictions from this
   * file, now kept in the history.
   */
  readonly action: 'new' | 'reuse' | 'replaced';
  readonly manifest: RunManifest | null;
}

export function importPredictionsVariant(wb: Workbench, options: ImportVariantOptions): ImportedVariant {
  const { workspace: ws, datasetRecord } = wb;
  const truth = effectiveAnnotations(ws, datasetRecord.id);
  const instances = truth.instances;
  // A json file is read once: parsed and (when its digest is not known yet) hashed from the same bytes.
  const read = path.extname(options.file).toLowerCase() === '.json' ? readPredictionFile(options.file) : undefined;
  const imported = importPredictions(options.file, { coordinateBase: options.coordinateBase, expectedCount: instances.length }, read);
  const source = path.resolve(options.file);
  const digest = digestFileSync(source, ws, read);
  const identity: PredictionsRunIdentity = { kind: 'predictions', fileSha256: digest.sha256, coordinateBase: options.coordinateBase };
  const key = identityKey(identity);
  const variant = variantForSource(wb, options.name ?? path.basename(source, path.extname(source)), source);

  const same = latestRunWithIdentity(ws, datasetRecord.id, variant.id, key);
  if (same !== undefined && same.status === 'done') {
    markRunCurrent(ws, same.id);
    const evaluation = evaluateRun(ws, same.id, options.protocol);
    return { ...evaluation, variant, warnings: imported.warnings, action: 'reuse', manifest: manifestOf(same.manifest) };
  }
  const earlier: RunRecord | undefined = currentRun(ws, datasetRecord.id, variant.id);
  const personsPredicted = countPredictedPersons(imported.predictions0Based, instances.length);
  const manifest = predictionsRunManifest({
    identity,
    identityKey: key,
    file: source,
    bytes: digest.bytes,
    protocol: options.protocol,
    dataset: datasetRecord,
    gtRevision: truth.gtRevision,
    persons: instances.length,
    personsPredicted,
  });
  const run = createRun(ws, {
    datasetId: datasetRecord.id,
    variantId: variant.id,
    total: instances.length,
    options: { coordinateBase: options.coordinateBase, importedFrom: source },
    identityKey: key,
    manifest: { ...manifest },
  });
  const n = instances.length;
  const xyScore = new Float32Array(n * J * 3);
  // What readRunPredictions would give back for the run stored here: scored without reading it back.
  const stored: RunPredictions = {
    instances,
    coords: imported.predictions0Based,
    scores: imported.scores ?? new Float32Array(n * J).fill(Number.NaN),
    present: new Uint8Array(n).fill(1),
    presentCount: n,
  };
  const coordBits = new Uint32Array(stored.coords.buffer, stored.coords.byteOffset, n * J * 2);
  const scoreBits = new Uint32Array(stored.scores.buffer, stored.scores.byteOffset, n * J);
  const xyScoreBits = new Uint32Array(xyScore.buffer);
  // Copied as 32-bit patterns, like readRunPredictions: the stored bytes are these arrays' bytes.
  for (let k = 0; k < n * J; k += 1) {
    xyScoreBits[k * 3] = coordBits[k * 2]!;
    xyScoreBits[k * 3 + 1] = coordBits[k * 2 + 1]!;
    xyScoreBits[k * 3 + 2] = scoreBits[k]!;
  }
  storeVariantResults(ws, run.id, {
    predictions: { instanceIds: instances.map((instance) => instance.id), xyScore },
    finalStatus: 'done',
  });
  const evaluation = evaluateRun(ws, run.id, options.protocol, stored);
  return { ...evaluation, variant, warnings: imported.warnings, action: earlier === undefined ? 'new' : 'replaced', manifest };
}

/** Persons with at least one finite predicted coordinate. */
function countPredictedPersons(predictions0Based: Float32Array | Float64Array, persons: number): number {
  let count = 0;
  for (let n = 0; n < persons; n += 1) {
    for (let k = n * J * 2; k < (n + 1) * J * 2; k += 1) {
      if (Number.isFinite(predictions0Based[k]!)) {
        count += 1;
        break;
      }
    }
  }
  return count;
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
