/**
 * The request schemas of the API contract (contract.ts): one zod schema per channel, validated at
 * every host boundary (web host, Electron main, engine server). Node side only: the renderer gets the
 * request types through contract.ts's type-only imports, so zod stays out of its bundle.
 */
import { UserError } from '../core/errors.ts';
import { z } from 'zod';
import { COCO_ERROR_CLASSES, DEFAULT_PCKH_PROTOCOL, ERROR_CLASSES, PCKH_PROTOCOLS, REPORT_FORMATS, type Channel, type Request } from './contract.ts';

const id = z.string().min(1).max(200);
const jointIndex = z.number().int().min(0).max(15);
const instanceIndex = z.number().int().min(0);
const filePath = z.string().min(1).max(4096);

/** Every metrics-bearing request names the protocol its numbers are computed under. */
const protocol = z.enum(PCKH_PROTOCOLS).default(DEFAULT_PCKH_PROTOCOL);

// ---------------------------------------------------------------------------------------------
// Request schemas
// ---------------------------------------------------------------------------------------------

const finite = z.number().finite();
/** A ground-truth edit in 0-based image pixels (the engine maps instanceIndex to the stored instance). */
export const correctionEditSchema = z.discriminatedUnion('kind', [
  // `burst`: consecutive joint edits with the same id (a held or repeated arrow key) are one undo step.
  z
    .object({
      kind: z.literal('joint'),
      joint: jointIndex,
      xy: z.tuple([finite, finite]),
      burst: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/)
        .optional(),
    })
    .strict(),
  z.object({ kind: z.literal('visibility'), joint: jointIndex, visible: z.boolean() }).strict(),
  z.object({ kind: z.literal('headbox'), box: z.tuple([finite, finite, finite, finite]) }).strict(),
  // One pair, or several (the whole skeleton's left/right pairs): committed and undone as one edit.
  z
    .object({
      kind: z.literal('swap'),
      pairs: z
        .array(z.tuple([jointIndex, jointIndex]))
        .min(1)
        .max(8),
    })
    .strict(),
]);

/** A COCO ground-truth edit (issue 18) in 0-based image pixels; crowd regions are refused by the engine. */
const keypointIndex = z.number().int().min(0).max(1000);
export const cocoEditSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keypoint'), keypoint: keypointIndex, xy: z.tuple([finite, finite]) }).strict(),
  z.object({ kind: z.literal('visibility'), keypoint: keypointIndex, v: z.union([z.literal(0), z.literal(1), z.literal(2)]) }).strict(),
  z.object({ kind: z.literal('bbox'), box: z.tuple([finite, finite, finite, finite]) }).strict(),
  z
    .object({
      kind: z.literal('swap'),
      pairs: z
        .array(z.tuple([keypointIndex, keypointIndex]))
        .min(1)
        .max(64),
    })
    .strict(),
]);

/** Decoder options set on a model variant; each wins over the model sidecar's value only when given (spec §5–§6). */
export const decoderOptionsSchema = z
  .object({
    flipTest: z.boolean().optional(),
    heatmapRefine: z.enum(['shift', 'dark', 'none']).optional(),
    simccSplitRatio: z.number().finite().positive().max(64).optional(),
    sigmaIsLogit: z.boolean().optional(),
  })
  .strict();

const variantName = z.string().trim().min(1).max(200);
// The CLI's defaults (B = 2000, seed 1: `posebench stats` / `compare`), so both hosts print the same
// intervals unless asked otherwise; a test compares them.
const bootstrapReplicates = z.number().int().min(1).max(20_000).default(2000);
const bootstrapSeed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1)
  .default(1);

export const requestSchemas = {
  'workspace:get': z.object({}).strict(),
  'workspace:open': z.object({ datasetDir: filePath.optional(), demo: z.boolean().optional() }).strict(),
  'dataset:summary': z.object({}).strict(),
  'variants:list': z.object({}).strict(),
  'variants:addModel': z.object({ modelPath: filePath, name: z.string().max(200).optional(), decoderOptions: decoderOptionsSchema.optional() }).strict(),
  'variants:details': z.object({ variantId: id }).strict(),
  'variants:rename': z.object({ variantId: id, name: variantName }).strict(),
  'variants:setHidden': z.object({ variantId: id, hidden: z.boolean() }).strict(),
  'variants:setOptions': z.object({ variantId: id, decoderOptions: decoderOptionsSchema }).strict(),
  'variants:remove': z.object({ variantId: id }).strict(),
  'latency:measure': z.object({ variantId: id, runs: z.number().int().min(5).max(1000).default(50) }).strict(),
  'variants:importPredictions': z
    .object({ file: filePath, name: z.string().max(200).optional(), coordinateBase: z.union([z.literal(0), z.literal(1)]).optional() })
    .strict(),
  'metrics:table': z.object({ protocol }).strict(),
  'metrics:curves': z.object({ variantIds: z.array(id).max(16).optional(), protocol }).strict(),
  'failures:list': z
    .object({
      variantId: id,
      joint: jointIndex,
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(200),
      protocol,
      // Only joints of this error class (issue 15).
      errorClass: z.enum(ERROR_CLASSES).optional(),
    })
    .strict(),
  'instances:list': z
    .object({
      variantId: id.optional(),
      joint: jointIndex.optional(),
      outcome: z.enum(['all', 'hit', 'miss']).default('all'),
      protocol,
      // With a variant: only persons whose joint (any joint without one) is of this error class (issue 15).
      errorClass: z.enum(ERROR_CLASSES).optional(),
    })
    .strict(),
  'instance:get': z.object({ instanceIndex, variantIds: z.array(id).max(8).default([]), protocol }).strict(),
  'compare:table': z.object({ variantIds: z.array(id).min(2).max(4), protocol }).strict(),
  'compare:scatter': z.object({ protocol }).strict(),
  'compare:filter': z
    .object({ a: id, b: id, joint: jointIndex, relation: z.enum(['a-hit-b-miss', 'a-miss-b-hit', 'both-miss', 'both-hit']), protocol })
    .strict(),
  // rerun: start new runs even where a finished run of the same identity exists (default: reuse it).
  'runs:start': z.object({ variantIds: z.array(id).min(1).max(16), rerun: z.boolean().default(false) }).strict(),
  'runs:cancel': z.object({ runId: id }).strict(),
  'runs:list': z.object({}).strict(),
  'crops:status': z.object({}).strict(),
  // Ground-truth corrections (issue 6): one call = one committed edit (one transaction).
  'corrections:instance': z.object({ instanceIndex }).strict(),
  'corrections:apply': z.object({ instanceIndex, edit: correctionEditSchema }).strict(),
  'corrections:undo': z.object({}).strict(),
  'corrections:redo': z.object({}).strict(),
  'corrections:history': z.object({}).strict(),
  'corrections:reevaluate': z.object({ protocol }).strict(),
  'export:annotations': z.object({ format: z.enum(['mpii-json', 'mpii-mat', 'coco']), outFile: filePath, overwrite: z.boolean().default(false) }).strict(),
  // Issue 15: why joints fail, and whether the ground truth is wrong.
  'analysis:errorClasses': z.object({ protocol }).strict(),
  'review:queue': z.object({}).strict(),
  // accept: apply the suspect's proposal as one correction (undo works), then record it as fixed;
  // reject: the label is right; defer: later. The suspect must be in the current queue.
  'review:decide': z
    .object({ suspectId: z.string().min(1).max(400), verdict: z.enum(['accept', 'reject', 'defer']), note: z.string().max(2000).optional() })
    .strict(),
  // Issue 16: bootstrap intervals (same seed, same numbers as `posebench stats` / `compare`).
  'stats:variant': z.object({ protocol, bootstrap: bootstrapReplicates, seed: bootstrapSeed }).strict(),
  'stats:compare': z.object({ a: id, b: id, protocol, bootstrap: bootstrapReplicates, seed: bootstrapSeed }).strict(),
  // The report `posebench report` writes (ci: --ci), returned for the UI to save.
  'report:build': z
    .object({ format: z.enum(REPORT_FORMATS), protocol, ci: z.boolean().default(false), bootstrap: bootstrapReplicates, seed: bootstrapSeed })
    .strict(),
  // Issue 18: COCO-format keypoint datasets.
  'coco:variants': z.object({}).strict(),
  'coco:importResults': z.object({ file: filePath, name: variantName.optional() }).strict(),
  'coco:removeVariant': z.object({ variantId: id }).strict(),
  'coco:metrics': z.object({}).strict(),
  'coco:persons': z
    .object({
      variantId: id.optional(),
      keypoint: z.number().int().min(0).max(1000).optional(),
      // worst first: lowest KS of the keypoint (OKS without one); unmatched persons first of all
      order: z.enum(['file', 'worst']).default('file'),
      errorClass: z.enum(COCO_ERROR_CLASSES).optional(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(5000).default(200),
    })
    .strict(),
  'coco:image': z.object({ imageId: z.number().int(), variantIds: z.array(id).max(8).default([]) }).strict(),
  // `burst`: edits of one gesture (a drag, a held key) are one undo step.
  'coco:correct': z
    .object({
      index: z.number().int().min(0),
      edit: cocoEditSchema,
      burst: z
        .string()
        .regex(/^[A-Za-z0-9-]{1,64}$/)
        .optional(),
    })
    .strict(),
  'coco:undo': z.object({}).strict(),
  'coco:redo': z.object({}).strict(),
  'coco:history': z.object({}).strict(),
  'coco:export': z.object({ outFile: filePath, overwrite: z.boolean().default(false) }).strict(),
  'coco:review': z.object({}).strict(),
  // "label is right" / "later" for a suspect of the COCO review queue (an accepted fix is a coco:correct).
  'coco:decide': z.object({ suspectId: z.string().min(1).max(200), verdict: z.enum(['label_right', 'later']) }).strict(),
  // bboxFile: a detector's person boxes (mmpose's bbox_file); GT boxes without it.
  'coco:runModel': z.object({ modelPath: filePath, name: variantName.optional(), bboxFile: filePath.optional() }).strict(),
  'coco:runs': z.object({}).strict(),
  'coco:compare': z
    .object({
      a: id,
      b: id,
      keypoint: z.number().int().min(0).max(1000).optional(),
      relation: z.enum(['a-hit-b-miss', 'a-miss-b-hit', 'both-miss']).optional(),
      limit: z.number().int().min(1).max(5000).default(200),
    })
    .strict(),
} as const;

export const CHANNELS = Object.keys(requestSchemas) as Channel[];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

/** Validates a request for `channel`; throws a 'bad-request' UserError with a readable message. */
export function parseRequest<C extends Channel>(channel: C, payload: unknown): Request<C> {
  const result = requestSchemas[channel].safeParse(payload ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`).join('; ');
    throw new UserError('bad-request', `invalid request for ${channel}: ${issues}`);
  }
  return result.data as Request<C>;
}
