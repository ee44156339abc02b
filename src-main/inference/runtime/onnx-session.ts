/**
 * One ONNX Runtime session per model, always on ONE thread (posebench compares models by their
 * single-thread cost, the deployment target of lightweight pose models), with output checking:
 * a model that returns a shape other than the one it declared, or NaN/Inf, is reported by name
 * instead of flowing into the decoders as garbage.
 */
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { PosebenchInputError } from '../../core/errors.ts';
import { oneLine, printableExcerpt } from '../../core/printable-excerpt.ts';
import { checkRegularFile } from '../../core/regular-file.ts';

/** The session options every posebench session uses (benchmarks report them verbatim). */
export const SINGLE_THREAD_SESSION_OPTIONS = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
} as const satisfies InferenceSession.SessionOptions;

export interface TensorSpec {
  readonly name: string;
  /** Concrete dimensions for a batch of one (symbolic dimensions resolved, see `openModelSession`). */
  readonly shape: readonly number[];
}

/** Output tensor as returned by `ModelSession.run` (fits the decoders' `ModelOutputs`). */
export interface OutputTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

export interface OpenSessionOptions {
  /**
   * Input [height, width] to use when the model declares symbolic spatial dims (from the sidecar).
   * Ignored when the model's input shape is fixed.
   */
  readonly inputSize?: { readonly width: number; readonly height: number };
}

export class ModelSession {
  private constructor(
    readonly file: string,
    private readonly session: InferenceSession,
    readonly input: TensorSpec,
    readonly outputs: readonly TensorSpec[],
    /** How the output shapes were learnt: model metadata, or a dry run with a zero input. */
    readonly outputShapesFrom: 'metadata' | 'dry-run',
  ) {}

  /** Loads `file`; any failure is a PosebenchInputError naming the model file. */
  static async open(file: string, options: OpenSessionOptions = {}): Promise<ModelSession> {
    let size: number;
    try {
      // Also refuses a FIFO or device, which ORT would open and block on.
      size = await checkRegularFile(file, 'model file');
    } catch (error) {
      if (error instanceof PosebenchInputError) throw error;
      throw new PosebenchInputError({ file }, 'model file not found or not readable');
    }
    if (size === 0) throw new PosebenchInputError({ file }, 'not a loadable ONNX model: the file is empty (0 bytes)');
    let session: InferenceSession;
    try {
      session = await InferenceSession.create(file, { ...SINGLE_THREAD_SESSION_OPTIONS, logSeverityLevel: 3 });
    } catch (error) {
      throw new PosebenchInputError({ file }, `not a loadable ONNX model (${describeRuntimeError(error)})`);
    }
    try {
      const input = resolveInputSpec(file, session, options);
      const declared = declaredOutputSpecs(session);
      if (declared.every((spec) => spec.shape !== undefined)) {
        const outputs = declared.map((spec) => ({ name: spec.name, shape: spec.shape as number[] }));
        return new ModelSession(file, session, input, outputs, 'metadata');
      }
      // Symbolic output dims (e.g. exported with dynamic axes): one run on zeros tells the real sizes.
      const zeros = new Tensor('float32', new Float32Array(elementCount(input.shape)), input.shape);
      const result = await runSession(file, session, { [input.name]: zeros });
      const outputs = session.outputNames.map((name) => {
        const tensor = result[name];
        if (tensor === undefined) throw new PosebenchInputError({ file, field: name }, 'output missing from a dry run');
        return { name, shape: [...tensor.dims] };
      });
      return new ModelSession(file, session, input, outputs, 'dry-run');
    } catch (error) {
      await session.release().catch(() => undefined);
      throw error;
    }
  }

  get displayName(): string {
    return path.basename(this.file);
  }

  /**
   * Runs one input tensor (batch 1, layout = `input.shape`). Every output must have its inspected
   * shape, be float32 and hold only finite values.
   */
  async run(inputData: Float32Array): Promise<Record<string, OutputTensor>> {
    const expected = elementCount(this.input.shape);
    if (inputData.length !== expected) {
      throw new Error(`${this.displayName}: input has ${inputData.length} values, the model takes ${expected}`);
    }
    const feeds = { [this.input.name]: new Tensor('float32', inputData, this.input.shape) };
    const result = await runSession(this.file, this.session, feeds);
    const outputs: Record<string, OutputTensor> = {};
    for (const spec of this.outputs) outputs[spec.name] = checkOutput(this.file, spec, result[spec.name]);
    return outputs;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * An output holding NaN or ±Inf. Keeps where (output, flat index, dims), so a caller that knows the
 * model's joints can name the joint (run-pipeline.ts); the message alone names model and output.
 */
export class NonFiniteOutputError extends Error {
  override readonly name = 'NonFiniteOutputError';

  constructor(
    readonly where: string,
    readonly output: string,
    readonly dims: readonly number[],
    readonly flatIndex: number,
    readonly value: number,
  ) {
    super(`${where}: non-finite value ${value} at flat index ${flatIndex} (model diverged or broken export)`);
  }

  /** The joint axis index (axis 1 of every [N,K,…] layout posebench reads, select-outputs.ts). */
  jointIndex(): number | undefined {
    if (this.dims.length < 2) return undefined;
    const perJoint = this.dims.slice(2).reduce((product, dim) => product * dim, 1);
    const joints = this.dims[1]!;
    return Math.floor(this.flatIndex / perJoint) % joints;
  }
}

function checkOutput(file: string, spec: TensorSpec, value: unknown): OutputTensor {
  const where = `${path.basename(file)} output "${spec.name}"`;
  if (!(value instanceof Tensor)) throw new Error(`${where}: missing from the model's results`);
  if (value.type !== 'float32' || !(value.data instanceof Float32Array)) {
    throw new Error(`${where}: expected float32, got ${value.type}`);
  }
  if (!sameShape(value.dims, spec.shape)) {
    throw new Error(`${where}: shape [${value.dims.join(',')}] differs from the inspected [${spec.shape.join(',')}]`);
  }
  const data = value.data;
  for (let i = 0; i < data.length; i += 1) {
    // `x - x` is NaN for NaN and ±Inf, 0 otherwise: one test for both.
    const v = data[i] as number;
    if (v - v !== 0) throw new NonFiniteOutputError(where, spec.name, value.dims, i, v);
  }
  return { name: spec.name, dims: [...value.dims], data };
}

async function runSession(file: string, session: InferenceSession, feeds: InferenceSession.FeedsType): Promise<InferenceSession.ReturnType> {
  try {
    return await session.run(feeds);
  } catch (error) {
    throw new Error(`${path.basename(file)}: ONNX Runtime failed to run (${describeRuntimeError(error)})`, { cause: error });
  }
}

function resolveInputSpec(file: string, session: InferenceSession, options: OpenSessionOptions): TensorSpec {
  const tensorInputs = session.inputMetadata.filter((meta) => meta.isTensor);
  if (session.inputMetadata.length !== 1 || tensorInputs.length !== 1) {
    throw new PosebenchInputError(
      { file },
      `expected exactly one image input, the model has ${session.inputMetadata.length} (${session.inputNames.join(', ')})`,
    );
  }
  const meta = tensorInputs[0];
  if (meta === undefined || !meta.isTensor) throw new PosebenchInputError({ file }, 'input is not a tensor');
  if (meta.type !== 'float32') {
    throw new PosebenchInputError({ file, field: meta.name }, `input must be float32, the model takes ${meta.type}`);
  }
  if (meta.shape.length !== 4) {
    throw new PosebenchInputError({ file, field: meta.name }, `input must be NCHW [1,3,H,W], the model declares [${meta.shape.join(',')}]`);
  }
  const [batch, channels, height, width] = meta.shape;
  if (typeof batch === 'number' && batch !== 1) {
    throw new PosebenchInputError({ file, field: meta.name }, `input batch must be 1 or dynamic, not ${batch}`);
  }
  if (typeof channels === 'number' && channels !== 3) {
    throw new PosebenchInputError({ file, field: meta.name }, `input must have 3 colour channels, not ${channels}`);
  }
  const h = typeof height === 'number' && height > 0 ? height : options.inputSize?.height;
  const w = typeof width === 'number' && width > 0 ? width : options.inputSize?.width;
  if (h === undefined || w === undefined) {
    throw new PosebenchInputError({ file, field: meta.name }, 'input height/width are dynamic: give input.width and input.height in the model sidecar json');
  }
  return { name: meta.name, shape: [1, 3, h, w] };
}

function declaredOutputSpecs(session: InferenceSession): { name: string; shape: number[] | undefined }[] {
  return session.outputMetadata.map((meta) => {
    if (!meta.isTensor || meta.shape.length === 0) return { name: meta.name, shape: undefined };
    const dims = meta.shape.map((dim, axis) => (axis === 0 && typeof dim !== 'number' ? 1 : dim));
    const fixed = dims.every((dim): dim is number => typeof dim === 'number' && dim > 0);
    return { name: meta.name, shape: fixed ? (dims as number[]) : undefined };
  });
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((dim, axis) => dim === b[axis]);
}

/**
 * ONNX Runtime's error message without its internals: the "Load model from PATH failed:" prefix (we
 * name the file ourselves), the runtime's source locations (`/onnxruntime_src/…/model.cc:187`) and
 * C++ signatures (`onnxruntime::Model::Model(onnx::ModelProto&&, …)`); what remains is ORT's own
 * sentence ("ModelProto does not have a graph."), on one line, control characters escaped.
 */
export function describeRuntimeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  let reason = text
    .replace(/^\s*Load model from [\s\S]*? failed:\s*/, '')
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*/g, '')
    .replace(/\S*onnxruntime_src\S*:\d+\s*/g, '')
    .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.+-]+)+\.(?:cc|cpp|cxx|c|h|hpp):\d+\s*/g, '')
    .replace(/(?:virtual\s+)?(?:[\w:<>]+\s*[*&]+\s*)?(?:[\w<>~]+::)+[\w<>~]+\([^()]*\)(?:\s*const)?\s*/g, '')
    .trim();
  if (/^Protobuf parsing failed\.?$/i.test(reason)) reason = 'protobuf parsing failed: not an ONNX model file';
  if (/ModelProto does not have a graph/i.test(reason)) reason = 'ModelProto does not have a graph: not an ONNX model file';
  return printableExcerpt(oneLine(reason === '' ? 'no reason given' : reason), 200);
}
