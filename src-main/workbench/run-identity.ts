/**
 * What identifies a run's numbers (issue 11). A stored run is reused or resumed only when its identity
 * matches, from every host alike:
 * - a model run: the model file's sha256 (not its path or mtime), the head type, the keypoints, the
 *   input (size, colour order, mean/std), the effective decoder options (the sidecar's, overridden by
 *   options given explicitly on the variant or the command line), the crop/decoder code version and
 *   the onnxruntime-node version;
 * - imported predictions: the file's sha256 and the coordinate base.
 * Options are compared as given: `{}` and `{"heatmapRefine": "shift"}` (the default) are two
 * identities although they give the same numbers; a needless re-run is safer than a wrong reuse.
 */
import { createHash } from 'node:crypto';
import { VARIANT_DECODER_OPTION_KEYS, type VariantDecoderOptions } from '../core/types.ts';
import { INFERENCE_CODE_VERSION } from '../inference/code-version.ts';
import type { ModelInfo } from '../inference/runtime/model-inspect.ts';

export interface ModelRunIdentity {
  readonly kind: 'model';
  readonly modelSha256: string;
  readonly head: string;
  readonly keypoints: readonly string[];
  readonly input: {
    readonly width: number;
    readonly height: number;
    readonly color: string;
    readonly mean: readonly number[];
    readonly std: readonly number[];
  };
  /** The sidecar's decoder options with the explicit ones over them; `flipTest` always resolved. */
  readonly decoder: Readonly<Record<string, unknown>>;
  readonly codeVersion: number;
  readonly onnxruntimeNode: string;
}

export interface PredictionsRunIdentity {
  readonly kind: 'predictions';
  readonly fileSha256: string;
  readonly coordinateBase: 0 | 1;
}

export type RunIdentity = ModelRunIdentity | PredictionsRunIdentity;

/** Explicit options from a stored or requested object: known keys with values of the right type only. */
export function decoderOptionsFrom(value: unknown): VariantDecoderOptions {
  if (typeof value !== 'object' || value === null) return {};
  const source = value as Record<string, unknown>;
  const out: { -readonly [K in keyof VariantDecoderOptions]: VariantDecoderOptions[K] } = {};
  if (typeof source['flipTest'] === 'boolean') out.flipTest = source['flipTest'];
  if (source['heatmapRefine'] === 'shift' || source['heatmapRefine'] === 'dark' || source['heatmapRefine'] === 'none')
    out.heatmapRefine = source['heatmapRefine'];
  if (typeof source['simccSplitRatio'] === 'number' && Number.isFinite(source['simccSplitRatio']) && source['simccSplitRatio'] > 0)
    out.simccSplitRatio = source['simccSplitRatio'];
  if (typeof source['sigmaIsLogit'] === 'boolean') out.sigmaIsLogit = source['sigmaIsLogit'];
  return out;
}

export function sameDecoderOptions(a: VariantDecoderOptions, b: VariantDecoderOptions): boolean {
  return VARIANT_DECODER_OPTION_KEYS.every((key) => a[key] === b[key]);
}

/** A short label of explicit options for names and tables: "flip test, DARK". Empty without options. */
export function describeDecoderOptions(options: VariantDecoderOptions): string {
  const parts: string[] = [];
  if (options.flipTest !== undefined) parts.push(options.flipTest ? 'flip test' : 'no flip test');
  if (options.heatmapRefine !== undefined)
    parts.push(options.heatmapRefine === 'dark' ? 'DARK' : options.heatmapRefine === 'none' ? 'no refinement' : '0.25 shift');
  if (options.simccSplitRatio !== undefined) parts.push(`split ratio ${options.simccSplitRatio}`);
  if (options.sigmaIsLogit !== undefined) parts.push(options.sigmaIsLogit ? 'σ logits' : 'σ probabilities');
  return parts.join(', ');
}

/**
 * The model as it will run: its sidecar's decoder options with the explicit ones over them. The
 * pipeline then needs no override of its own, so every host runs exactly what the identity says.
 */
export function withDecoderOptions(model: ModelInfo, explicit: VariantDecoderOptions): ModelInfo {
  const decoder = { ...model.decoder, ...explicit };
  return { ...model, decoder: { ...decoder, flipTest: decoder.flipTest ?? false } };
}

export function modelRunIdentity(model: ModelInfo, modelSha256: string, onnxruntimeNode: string): ModelRunIdentity {
  return {
    kind: 'model',
    modelSha256,
    head: model.head,
    keypoints: [...model.keypoints],
    input: { width: model.input.width, height: model.input.height, color: model.input.color, mean: [...model.input.mean], std: [...model.input.std] },
    decoder: { ...model.decoder, flipTest: model.decoder.flipTest ?? false },
    codeVersion: INFERENCE_CODE_VERSION,
    onnxruntimeNode,
  };
}

/** A digest of the identity (keys sorted at every level, so the same identity always gives the same key). */
export function identityKey(identity: RunIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex').slice(0, 32);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
