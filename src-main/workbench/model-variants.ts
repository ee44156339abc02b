/**
 * Model variants: a model file with the decoder options set on it. The same registration serves the
 * CLI (`eval --model`, which finds the variant of that file and those explicit options, or adds one)
 * and the app (`variants:addModel`, which says when the model is already listed).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { VariantDecoderOptions } from '../core/types.ts';
import { inspectModel, type ModelInfo } from '../inference/runtime/model-inspect.ts';
import { sidecarPathFor } from '../inference/runtime/model-sidecar.ts';
import { createVariant, findVariantByName, listVariants, type VariantRecord } from '../store/variants-repo.ts';
import { decoderOptionsFrom, describeDecoderOptions, sameDecoderOptions } from './run-identity.ts';
import type { Workbench } from './workbench.ts';

export interface AddModelVariantInput {
  readonly modelFile: string;
  /** Default: the file's base name, with the explicit options in brackets ("m [flip test]"). */
  readonly name?: string | undefined;
  readonly decoderOptions?: VariantDecoderOptions;
}

export interface AddedModelVariant {
  readonly variant: VariantRecord;
  readonly model: ModelInfo;
  /** false: a variant of this file with these options was already listed (it is returned as is). */
  readonly created: boolean;
}

const inspected = new Map<string, ModelInfo>();

/**
 * The model's inspection (input, head, joints), cached by the model bytes' digest and the sidecar's
 * text: a replaced model or an edited sidecar is inspected again.
 */
export async function inspectModelCached(file: string, sha256: string): Promise<ModelInfo> {
  const resolved = path.resolve(file);
  let sidecarText = '';
  try {
    sidecarText = readFileSync(sidecarPathFor(resolved), 'utf8');
  } catch {
    // no sidecar (or unreadable: inspectModel says which)
  }
  const key = `${resolved}\u0000${sha256}\u0000${sidecarText}`;
  const cached = inspected.get(key);
  if (cached !== undefined) return cached;
  const info = await inspectModel(resolved);
  inspected.set(key, info);
  return info;
}

/** The variant of this model file with exactly these explicit options, if listed. */
export function findModelVariant(wb: Workbench, modelFile: string, options: VariantDecoderOptions): VariantRecord | undefined {
  const resolved = path.resolve(modelFile);
  return listVariants(wb.workspace, { datasetId: wb.datasetRecord.id }).find(
    (variant) => variant.kind === 'model' && variant.sourcePath === resolved && sameDecoderOptions(decoderOptionsFrom(variant.decoderOptions), options),
  );
}

export async function addModelVariant(wb: Workbench, input: AddModelVariantInput): Promise<AddedModelVariant> {
  const file = path.resolve(input.modelFile);
  const options = input.decoderOptions ?? {};
  const model = await inspectModel(file);
  const existing = findModelVariant(wb, file, options);
  if (existing !== undefined) return { variant: existing, model, created: false };
  const described = describeDecoderOptions(options);
  const base = input.name?.trim() || (described === '' ? model.name : `${model.name} [${described}]`);
  const variant = createVariant(wb.workspace, {
    name: uniqueVariantName(wb, base),
    kind: 'model',
    sourcePath: file,
    datasetId: wb.datasetRecord.id,
    headType: model.head,
    inputSize: { width: model.input.width, height: model.input.height },
    sidecar: { keypoints: [...model.keypoints], jointPredicted: [...model.jointPredicted], headFrom: model.headFrom },
    decoderOptions: { ...options },
  });
  return { variant, model, created: true };
}

/** `base`, or `base (2)`, `base (3)`… when the name is taken (names label every table and export). */
export function uniqueVariantName(wb: Workbench, base: string): string {
  let name = base;
  for (let k = 2; findVariantByName(wb.workspace, name) !== undefined; k += 1) name = `${base} (${k})`;
  return name;
}
