/**
 * The demo's ONNX models: one per head type the engine decodes. They really look at the pixels:
 * every joint is found by scoring each pixel's colour against that joint's marker colour
 * (marker-colors.ts) with a 1×1 convolution, pooled to a heatmap, then decoded in-graph by the head.
 *
 *   input (NCHW, ImageNet-normalised RGB) → Mul/Add: back to 0..1 RGB → Concat(x, x²)
 *   → Conv 1×1: −‖x − c_j‖² / (2τ_j²) per joint → Exp → AveragePool k×k  = "heatmap"
 *   heatmap head:     the pooled map itself                          [1,16,64,64]
 *   regression head:  soft-argmax (Reshape, Softmax(β·h), MatMul grid)  [1,16,2] in 0..1
 *   regression+sigma: soft-argmax + raw σ = a·(b − peak) (ReduceMax)  [1,16,4]
 *   simcc head:       ReduceMax over rows / columns, MatMul with a linear upsampling matrix → 512 bins
 *
 * Strengths differ on purpose (colour tolerance τ, pooling, softmax temperature, fixed colour jitter),
 * so the demo shows per-joint differences between models; wrists/ankles are hardest by design.
 */
import { MPII_JOINT_COUNT, MPII_JOINT_NAMES } from '../core/joints.ts';
import { HARD_JOINTS, MARKER_COLORS } from './marker-colors.ts';
import { encodeOnnxModel, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-writer.ts';
import { createPrng } from './prng.ts';

export type DemoHead = 'heatmap' | 'regression' | 'regression+sigma' | 'simcc';

export const DEMO_INPUT_SIZE = 256;
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

export interface DemoModelSpec {
  /** Base file name (`<name>.onnx` + `<name>.json`). */
  readonly name: string;
  readonly head: DemoHead;
  readonly description: string;
  /** Colour tolerance τ (0..1 RGB units) for ordinary joints and for wrists/ankles. */
  readonly tolerance: number;
  readonly hardTolerance: number;
  /** Average-pool factor from the 256 input to the score grid. */
  readonly pool: number;
  /** Soft-argmax temperature (regression heads). */
  readonly beta?: number;
  /** Fixed, seeded offset of the model's colour centres (a "miscalibrated" model), 0..1 units. */
  readonly colorJitter: number;
  readonly seed: number;
  /** Model output order as MPII joint indices (default: MPII order). */
  readonly outputOrder?: readonly number[];
}

/** EfficientPose's channel order (../shared/models/real/README.md), to exercise joint remapping. */
const EFFICIENTPOSE_ORDER = [9, 8, 12, 11, 10, 7, 13, 14, 15, 6, 2, 1, 0, 3, 4, 5] as const;

export const DEMO_MODEL_SPECS: readonly DemoModelSpec[] = [
  {
    name: 'demo_heatmap_256',
    head: 'heatmap',
    tolerance: 0.07,
    hardTolerance: 0.22,
    pool: 4,
    colorJitter: 0.01,
    seed: 11,
    outputOrder: EFFICIENTPOSE_ORDER,
    description: 'posebench demo: colour-marker heatmap model (64×64), the strongest demo model',
  },
  {
    name: 'demo_simcc_256',
    head: 'simcc',
    tolerance: 0.15,
    hardTolerance: 0.3,
    pool: 2,
    colorJitter: 0.06,
    seed: 12,
    description: 'posebench demo: colour-marker SimCC model (2×512 bins)',
  },
  {
    name: 'demo_rle_256',
    head: 'regression+sigma',
    tolerance: 0.17,
    hardTolerance: 0.28,
    pool: 4,
    beta: 14,
    colorJitter: 0.05,
    seed: 13,
    description: 'posebench demo: colour-marker RLE-style model (soft-argmax coordinates + raw σ)',
  },
  {
    name: 'demo_regression_256',
    head: 'regression',
    tolerance: 0.2,
    hardTolerance: 0.24,
    pool: 8,
    beta: 9.5,
    colorJitter: 0.05,
    seed: 14,
    description: 'posebench demo: colour-marker DeepPose-style regression model (soft-argmax), the weakest demo model',
  },
];

interface GraphBuilder {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
}

function constant(b: GraphBuilder, name: string, dims: number[], data: ArrayLike<number>, type: 'float' | 'int64' = 'float'): string {
  b.initializers.push({ name, dims, type, data });
  return name;
}

function node(b: GraphBuilder, opType: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string {
  b.nodes.push({ opType, inputs, outputs: [output], name: output, ...(attributes ? { attributes } : {}) });
  return output;
}

/** Colour-score heatmap [1,16,G,G] with G = 256 / pool, channels in `order`. */
function buildScoreMap(b: GraphBuilder, spec: DemoModelSpec, order: readonly number[]): string {
  const std = constant(b, 'pixel_std', [1, 3, 1, 1], IMAGENET_STD);
  const mean = constant(b, 'pixel_mean', [1, 3, 1, 1], IMAGENET_MEAN);
  const rgb = node(b, 'Add', [node(b, 'Mul', ['input', std], 'scaled'), mean], 'rgb01');
  const squared = node(b, 'Mul', [rgb, rgb], 'rgb01_squared');
  const features = node(b, 'Concat', [rgb, squared], 'colour_features', { axis: { kind: 'int', value: 1 } });

  // −‖x − c‖²/(2τ²) = (2c·x − ‖x‖² − ‖c‖²)/(2τ²): linear in (x, x²), so one 1×1 conv does it.
  const jitter = createPrng(spec.seed);
  const weights = new Float32Array(MPII_JOINT_COUNT * 6);
  const bias = new Float32Array(MPII_JOINT_COUNT);
  order.forEach((joint, k) => {
    const marker = MARKER_COLORS[joint] ?? [0, 0, 0];
    const c = marker.map((v) => Math.min(1, Math.max(0, v / 255 + spec.colorJitter * jitter.normal())));
    const tau = HARD_JOINTS.includes(joint) ? spec.hardTolerance : spec.tolerance;
    const inv = 1 / (2 * tau * tau);
    let cc = 0;
    for (let ch = 0; ch < 3; ch++) {
      const cv = c[ch] ?? 0;
      weights[k * 6 + ch] = 2 * cv * inv;
      weights[k * 6 + 3 + ch] = -inv;
      cc += cv * cv;
    }
    bias[k] = -cc * inv;
  });
  const w = constant(b, 'colour_weights', [MPII_JOINT_COUNT, 6, 1, 1], weights);
  const bb = constant(b, 'colour_bias', [MPII_JOINT_COUNT], bias);
  const logits = node(b, 'Conv', [features, w, bb], 'colour_logits', { kernel_shape: { kind: 'ints', value: [1, 1] } });
  const similarity = node(b, 'Exp', [logits], 'colour_similarity');
  // Window pool+1 with pool/2 padding centres cell g on input pixel g·pool, which is where mmpose's
  // decoders put it (x_in = g·stride, spec §5.3 step 3 / §5.7), so no half-cell bias.
  return node(b, 'AveragePool', [similarity], 'score_map', {
    kernel_shape: { kind: 'ints', value: [spec.pool + 1, spec.pool + 1] },
    strides: { kind: 'ints', value: [spec.pool, spec.pool] },
    pads: { kind: 'ints', value: [spec.pool / 2, spec.pool / 2, spec.pool / 2, spec.pool / 2] },
  });
}

/** Input-pixel coordinate of grid cell g (the centre of its pooling window). */
function cellCentre(g: number, pool: number): number {
  return g * pool;
}

/** Soft-argmax over the G×G map → normalised coords [1,16,2] (x_norm = x_in / w, spec §5.1). */
function buildSoftArgmax(b: GraphBuilder, map: string, spec: DemoModelSpec): { coords: string; peak: string } {
  const grid = DEMO_INPUT_SIZE / spec.pool;
  const shape = constant(b, 'flat_shape', [3], [1, MPII_JOINT_COUNT, grid * grid], 'int64');
  const flat = node(b, 'Reshape', [map, shape], 'score_flat');
  // Normalised by the per-joint peak so β alone sets how much weaker look-alikes (distractors,
  // the other wrist) pull the soft-argmax: weight ratio exp(β·(f − 1)) for a spot at f × the peak.
  const peak = node(b, 'ReduceMax', [flat], 'score_peak', { axes: { kind: 'ints', value: [2] }, keepdims: { kind: 'int', value: 1 } });
  const epsilon = constant(b, 'peak_epsilon', [1], [1e-6]);
  const normalised = node(b, 'Div', [flat, node(b, 'Add', [peak, epsilon], 'score_peak_safe')], 'score_normalised');
  const beta = constant(b, 'softmax_beta', [1], [spec.beta ?? 10]);
  const sharpened = node(b, 'Mul', [normalised, beta], 'score_sharpened');
  const probabilities = node(b, 'Softmax', [sharpened], 'score_softmax', { axis: { kind: 'int', value: 2 } });
  const coordGrid = new Float32Array(grid * grid * 2);
  for (let gy = 0; gy < grid; gy++) {
    for (let gx = 0; gx < grid; gx++) {
      coordGrid[(gy * grid + gx) * 2] = cellCentre(gx, spec.pool) / DEMO_INPUT_SIZE;
      coordGrid[(gy * grid + gx) * 2 + 1] = cellCentre(gy, spec.pool) / DEMO_INPUT_SIZE;
    }
  }
  const gridName = constant(b, 'coordinate_grid', [grid * grid, 2], coordGrid);
  return { coords: node(b, 'MatMul', [probabilities, gridName], 'coords_soft'), peak };
}

/** [G, 512] matrix: bin i (x_in = i / 2, spec §5.6) linearly interpolated from grid cells. */
function simccUpsampleMatrix(pool: number, bins: number): Float32Array {
  const grid = DEMO_INPUT_SIZE / pool;
  const matrix = new Float32Array(grid * bins);
  for (let i = 0; i < bins; i++) {
    const xIn = i / (bins / DEMO_INPUT_SIZE);
    const g = Math.min(grid - 1, Math.max(0, xIn / pool));
    const g0 = Math.floor(g);
    const g1 = Math.min(grid - 1, g0 + 1);
    const t = g - g0;
    matrix[g0 * bins + i] = (matrix[g0 * bins + i] ?? 0) + (1 - t);
    matrix[g1 * bins + i] = (matrix[g1 * bins + i] ?? 0) + t;
  }
  return matrix;
}

export interface DemoModelOutput {
  readonly name: string;
  readonly shape: number[];
}

export function demoModelOutputs(spec: DemoModelSpec): DemoModelOutput[] {
  const k = MPII_JOINT_COUNT;
  switch (spec.head) {
    case 'heatmap':
      return [{ name: 'heatmaps', shape: [1, k, DEMO_INPUT_SIZE / spec.pool, DEMO_INPUT_SIZE / spec.pool] }];
    case 'regression':
      return [{ name: 'coords', shape: [1, k, 2] }];
    case 'regression+sigma':
      return [{ name: 'coords_sigma', shape: [1, k, 4] }];
    case 'simcc':
      return [
        { name: 'simcc_x', shape: [1, k, 2 * DEMO_INPUT_SIZE] },
        { name: 'simcc_y', shape: [1, k, 2 * DEMO_INPUT_SIZE] },
      ];
  }
}

export function buildDemoGraph(spec: DemoModelSpec): OnnxGraph {
  const order = spec.outputOrder ?? MPII_JOINT_NAMES.map((_, j) => j);
  const b: GraphBuilder = { nodes: [], initializers: [] };
  const map = buildScoreMap(b, spec, order);
  const outputs = demoModelOutputs(spec);
  switch (spec.head) {
    case 'heatmap':
      if (spec.pool !== 4) throw new Error('the demo heatmap model needs pool 4 (64×64 heatmaps)');
      node(b, 'Identity', [map], 'heatmaps');
      break;
    case 'regression':
      node(b, 'Identity', [buildSoftArgmax(b, map, spec).coords], 'coords');
      break;
    case 'regression+sigma': {
      const { coords, peak } = buildSoftArgmax(b, map, spec);
      // Raw σ (sigmoid applied by the decoder, spec §5.2): low peak similarity → large σ.
      const gain = constant(b, 'sigma_gain', [1], [-8]);
      const offset = constant(b, 'sigma_offset', [1], [3]);
      const sigma = node(b, 'Add', [node(b, 'Mul', [peak, gain], 'sigma_scaled'), offset], 'sigma_raw');
      node(b, 'Concat', [coords, sigma, sigma], 'coords_sigma', { axis: { kind: 'int', value: 2 } });
      break;
    }
    case 'simcc': {
      const bins = 2 * DEMO_INPUT_SIZE;
      const grid = DEMO_INPUT_SIZE / spec.pool;
      const up = constant(b, 'simcc_upsample', [grid, bins], simccUpsampleMatrix(spec.pool, bins));
      const xProfile = node(b, 'ReduceMax', [map], 'x_profile', { axes: { kind: 'ints', value: [2] }, keepdims: { kind: 'int', value: 0 } });
      const yProfile = node(b, 'ReduceMax', [map], 'y_profile', { axes: { kind: 'ints', value: [3] }, keepdims: { kind: 'int', value: 0 } });
      node(b, 'MatMul', [xProfile, up], 'simcc_x');
      node(b, 'MatMul', [yProfile, up], 'simcc_y');
      break;
    }
  }
  return {
    name: spec.name,
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: 'input', shape: [1, 3, DEMO_INPUT_SIZE, DEMO_INPUT_SIZE] }],
    outputs: outputs.map((o) => ({ name: o.name, shape: o.shape })),
  };
}

export function encodeDemoModel(spec: DemoModelSpec): Uint8Array {
  return encodeOnnxModel(buildDemoGraph(spec), { producerVersion: '1', docString: spec.description });
}

/** Sidecar json (model-sidecar.ts schema). Flip test is off: these models tell left from right
 * by marker colour, not by body layout, so mirrored-input averaging would mix the two sides. */
export function demoModelSidecar(spec: DemoModelSpec): Record<string, unknown> {
  const order = spec.outputOrder ?? MPII_JOINT_NAMES.map((_, j) => j);
  return {
    keypoints: order.map((j) => MPII_JOINT_NAMES[j]),
    input: { color: 'rgb', mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD], width: DEMO_INPUT_SIZE, height: DEMO_INPUT_SIZE },
    head: spec.head,
    // RLE σ is written as a logit (mmpose's convention, the decoder's default; spec §5.2).
    decoder: { flipTest: false },
    description: spec.description,
  };
}
