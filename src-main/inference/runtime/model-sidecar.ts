/**
 * Model sidecar: `MODEL.json` next to `MODEL.onnx` (../shared/README.md). It says what an ONNX file
 * cannot: joint names and order, colour order and normalisation, head type when the output shapes
 * are ambiguous, and decoder options.
 *
 * ```json
 * { "keypoints": ["head_top", "upper_neck", ...],          // mmpose MPII or COCO-17 names
 *   "input": { "color": "rgb", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225] },
 *   "head": "heatmap",
 *   "decoder": { "heatmapRefine": "shift", "flipTest": true, "simccSplitRatio": 2 } }
 * ```
 * Unknown keys are errors (a misspelt "keypionts" would otherwise silently fall back to defaults).
 */
import { z } from 'zod';
import { PosebenchInputError } from '../../core/errors.ts';
import { printableExcerpt } from '../../core/printable-excerpt.ts';
import { readRegularFile } from '../../core/regular-file.ts';
import { parseJsonText } from '../../formats/json-text.ts';
import { HEAD_KINDS } from '../decoders/decoder-types.ts';
import { isKnownJointName } from './joint-mapping.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = z.number().refine((v) => Number.isFinite(v) && v > 0, 'must be a positive number');
const triple = (item: z.ZodType<number>) => z.tuple([item, item, item]);

const jointName = z.string().refine(isKnownJointName, {
  message: 'unknown joint name (expected an mmpose MPII name such as "right_ankle", or a COCO-17 name)',
});

const decoderSchema = z
  .object({
    /** Heatmap sub-pixel refinement: quarter-pixel shift (mmpose default), DARK, or none (spec §5.3–5.4). */
    heatmapRefine: z.enum(['shift', 'quarter', 'dark', 'none']).optional(),
    /** Which mmpose the border rule of the quarter shift and the regression flip follow (spec §5.3, §6). */
    mmposeVersion: z.enum(['0.x', '1.x']).optional(),
    /** DARK blur kernel (spec §5.4: 11 for MPII). */
    blurKernelSize: z
      .number()
      .int()
      .positive()
      .refine((k) => k % 2 === 1, 'must be odd')
      .optional(),
    /** SimCC bins per input pixel (spec §5.6: 2.0). Default: output length / input size. */
    simccSplitRatio: positive.optional(),
    /** Soft-argmax temperature β (spec §5.7). */
    softArgmaxBeta: positive.optional(),
    /** Soft-argmax debias (spec §5.7). */
    softArgmaxDebias: z.boolean().optional(),
    /** RLE σ outputs are logits that still need a sigmoid (spec §5.2; default true as in mmpose). */
    sigmaIsLogit: z.boolean().optional(),
    /** Run the model on the mirrored crop too and average before decoding (spec §6). */
    flipTest: z.boolean().optional(),
    /** Flip test: move the flipped-back heatmap right by one column (mmpose `shift_heatmap`, default true). */
    shiftHeatmap: z.boolean().optional(),
    /** Flip test: regression x −= 1/w after flip-back (mmpose 1.x `shift_coords`; default: mmposeVersion 1.x). */
    shiftCoords: z.boolean().optional(),
  })
  .strict();

const sidecarSchema = z
  .object({
    keypoints: z
      .array(jointName)
      .min(1)
      .refine((names) => new Set(names).size === names.length, 'joint names must be unique')
      .optional(),
    input: z
      .object({
        color: z.enum(['rgb', 'bgr']).optional(),
        mean: triple(finite).optional(),
        std: triple(positive).optional(),
        width: z.number().int().positive().optional(),
        height: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    head: z.enum(HEAD_KINDS).optional(),
    decoder: decoderSchema.optional(),
    /** Free text for people (licence, origin); ignored. */
    description: z.string().optional(),
  })
  .strict();

export type ModelSidecar = z.infer<typeof sidecarSchema>;
export type SidecarDecoderOptions = z.infer<typeof decoderSchema>;

/** `dir/name.onnx` → `dir/name.json`. */
export function sidecarPathFor(modelFile: string): string {
  return modelFile.replace(/\.onnx$/i, '') + '.json';
}

/** Reads and validates the sidecar of `modelFile`; `undefined` when there is none. */
export async function readModelSidecar(modelFile: string): Promise<ModelSidecar | undefined> {
  const file = sidecarPathFor(modelFile);
  let text: string;
  try {
    text = (await readRegularFile(file, 'model sidecar')).toString('utf8');
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PosebenchInputError({ file }, `cannot read model sidecar (${(error as NodeJS.ErrnoException).code ?? 'read error'})`);
  }
  return parseModelSidecar(file, text);
}

export function parseModelSidecar(file: string, text: string): ModelSidecar {
  const json = parseJsonText(text, file, 'model sidecar is not valid JSON');
  const parsed = sidecarSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw new PosebenchInputError({ file }, 'invalid model sidecar');
  let field = printableExcerpt(issue.path.map(String).join('.'));
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys?: string[] }).keys ?? [];
    field = [field, printableExcerpt(keys[0] ?? '')].filter(Boolean).join('.');
    message = `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `"${printableExcerpt(k)}"`).join(', ')}`;
  }
  // A bad joint name: say which one.
  if (issue.path[0] === 'keypoints' && typeof issue.path[1] === 'number') {
    const names = (json as { keypoints?: unknown[] }).keypoints;
    message += `: ${printableExcerpt(JSON.stringify(names?.[issue.path[1]]) ?? 'undefined')}`;
  }
  throw new PosebenchInputError({ file, ...(field ? { field } : {}) }, `invalid model sidecar: ${printableExcerpt(message, 200)}`);
}
