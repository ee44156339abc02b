/**
 * Per-(person, joint) error classes of a variant (issue 15) for the Failures filter: classifyErrors,
 * the function `posebench analyze` counts with, on the same inputs (the run's predictions, the
 * evaluation's hits, the effective ground truth's geometry). Cached per evaluation object: a new run,
 * a GT edit or another protocol makes a new evaluation, so the cache never answers for old data.
 */
import type { ErrorClassName } from '../api/contract.ts';
import { CLASS_HIT, CLASS_INVERSION, CLASS_JITTER, CLASS_MISS, CLASS_SWAP, classifyErrors, personsByImage } from '../evaluation/error-classes.ts';
import { groundTruthGeometry } from '../workbench/analysis.ts';
import type { DatasetState, VariantEvaluation, VariantState } from './view-model.ts';

const NAMES: Readonly<Record<number, ErrorClassName>> = {
  [CLASS_HIT]: 'hit',
  [CLASS_JITTER]: 'jitter',
  [CLASS_INVERSION]: 'inversion',
  [CLASS_SWAP]: 'swap',
  [CLASS_MISS]: 'miss',
};

export const ERROR_CLASS_CODES: Readonly<Record<ErrorClassName, number>> = {
  hit: CLASS_HIT,
  jitter: CLASS_JITTER,
  inversion: CLASS_INVERSION,
  swap: CLASS_SWAP,
  miss: CLASS_MISS,
};

const byEvaluation = new WeakMap<VariantEvaluation, Uint8Array>();
const geometries = new WeakMap<object, { geometry: ReturnType<typeof groundTruthGeometry>['geometry']; sameImage: number[][] }>();

/** N×16 class codes (CLASS_*; 0 = not evaluated), or null without predictions or a gt `.mat`. */
export function errorClassCodes(dataset: DatasetState, variant: VariantState): Uint8Array | null {
  const evaluation = variant.evaluation;
  if (evaluation === null || variant.predictions === null || dataset.gt === null) return null;
  const cached = byEvaluation.get(evaluation);
  if (cached !== undefined) return cached;
  let geo = geometries.get(dataset.persons);
  if (geo === undefined) {
    const { geometry } = groundTruthGeometry(dataset.persons, dataset.gt);
    geo = { geometry, sameImage: personsByImage(geometry.images).map((g) => [...g]) };
    geometries.set(dataset.persons, geo);
  }
  const classes = classifyErrors(geo.geometry, variant.predictions, evaluation.hits, undefined, geo.sameImage).classes;
  byEvaluation.set(evaluation, classes);
  return classes;
}

export function errorClassName(code: number | undefined): ErrorClassName | null {
  return code === undefined ? null : (NAMES[code] ?? null);
}
