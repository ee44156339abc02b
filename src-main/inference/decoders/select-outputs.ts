/**
 * Finds, in a model's named outputs, the tensors a head type needs, and views one batch sample of
 * them in a canonical layout. Shared by the decoder dispatcher and the flip test.
 *
 * Recognised layouts (dims include the batch axis N):
 * - regression: [N,K,2];  regression+sigma: [N,K,4], or [N,K,2] coords + [N,K,2] sigma;
 * - heatmap: [N,K,H,W];  soft-argmax: [N,K,H,W] logits, or [N,K,2] already-integrated coords;
 * - simcc: [N,K,Lx] + [N,K,Ly];  simcc+sigma: the same + [N,K,2].
 * Outputs named like `simcc_x`/`simcc_y`/`*sigma*` are matched by name, others by order.
 */
import { DecoderShapeError, type HeadKind, type ModelOutputs, type OutputTensor } from './decoder-types.ts';

export type HeadTensors =
  | {
      readonly layout: 'coords';
      readonly joints: number;
      /** K×2 normalised (x, y). */
      readonly coords: Float32Array;
      /** K×2 (σx, σy) for regression+sigma. */
      readonly sigma?: Float32Array;
    }
  | {
      readonly layout: 'maps';
      readonly joints: number;
      readonly height: number;
      readonly width: number;
      /** K×H×W. */
      readonly maps: Float32Array;
    }
  | {
      readonly layout: 'simcc';
      readonly joints: number;
      readonly lengthX: number;
      readonly lengthY: number;
      readonly x: Float32Array;
      readonly y: Float32Array;
      /** K×2 extra σ output of simcc+sigma models. */
      readonly sigma?: Float32Array;
    };

interface Named {
  readonly name: string;
  readonly tensor: OutputTensor;
}

export function selectHeadTensors(head: HeadKind, outputs: ModelOutputs, batchIndex = 0): HeadTensors {
  const all: Named[] = Object.entries(outputs).map(([name, tensor]) => ({ name, tensor }));
  for (const { name, tensor } of all) checkTensor(name, tensor, batchIndex);
  const rank = (n: Named) => n.tensor.dims.length;
  const last = (n: Named) => n.tensor.dims[n.tensor.dims.length - 1] ?? 0;
  const isSigmaName = (n: Named) => /sigma/i.test(n.name);
  const pairs = all.filter((n) => rank(n) === 3 && last(n) === 2);

  switch (head) {
    case 'regression': {
      const coords =
        preferName(
          pairs.filter((n) => !isSigmaName(n)),
          /coord/i,
        ) ?? pairs[0];
      if (!coords) throw shapeError(head, all, 'a [N,K,2] coordinate output');
      return { layout: 'coords', joints: coords.tensor.dims[1]!, coords: sample(coords.tensor, batchIndex) };
    }
    case 'regression+sigma': {
      const packed = all.find((n) => rank(n) === 3 && last(n) === 4);
      if (packed) {
        const data = sample(packed.tensor, batchIndex);
        const joints = packed.tensor.dims[1]!;
        const coords = new Float32Array(joints * 2);
        const sigma = new Float32Array(joints * 2);
        for (let k = 0; k < joints; k++) {
          coords[2 * k] = data[4 * k]!;
          coords[2 * k + 1] = data[4 * k + 1]!;
          sigma[2 * k] = data[4 * k + 2]!;
          sigma[2 * k + 1] = data[4 * k + 3]!;
        }
        return { layout: 'coords', joints, coords, sigma };
      }
      const sigmaOut = pairs.find(isSigmaName) ?? pairs[1];
      const coordsOut = pairs.find((n) => n !== sigmaOut);
      if (!coordsOut || !sigmaOut) throw shapeError(head, all, 'a [N,K,4] output, or [N,K,2] coords + [N,K,2] sigma');
      sameJoints(head, all, coordsOut, sigmaOut);
      return {
        layout: 'coords',
        joints: coordsOut.tensor.dims[1]!,
        coords: sample(coordsOut.tensor, batchIndex),
        sigma: sample(sigmaOut.tensor, batchIndex),
      };
    }
    case 'heatmap':
    case 'soft-argmax': {
      const maps =
        preferName(
          all.filter((n) => rank(n) === 4),
          head === 'heatmap' ? /heatmap/i : /heatmap|logit/i,
        ) ?? all.find((n) => rank(n) === 4);
      if (maps) {
        const [, joints, height, width] = maps.tensor.dims as [number, number, number, number];
        return { layout: 'maps', joints, height, width, maps: sample(maps.tensor, batchIndex) };
      }
      if (head === 'soft-argmax' && pairs[0]) {
        // Soft-argmax done inside the graph (e.g. the ShuffleNetV2 IPR replica): normalised coords.
        return { layout: 'coords', joints: pairs[0].tensor.dims[1]!, coords: sample(pairs[0].tensor, batchIndex) };
      }
      throw shapeError(head, all, head === 'heatmap' ? 'a [N,K,H,W] heatmap output' : 'a [N,K,H,W] logit output or [N,K,2] coords');
    }
    case 'simcc':
    case 'simcc+sigma': {
      const vectors = all.filter((n) => rank(n) === 3 && last(n) > 4 && !isSigmaName(n));
      const x = vectors.find((n) => /(^|[^a-z])x$|_x\b|simcc_?x/i.test(n.name)) ?? vectors[0];
      const y = vectors.find((n) => n !== x && /(^|[^a-z])y$|_y\b|simcc_?y/i.test(n.name)) ?? vectors.find((n) => n !== x);
      if (!x || !y) throw shapeError(head, all, 'two [N,K,L] SimCC outputs (x then y)');
      sameJoints(head, all, x, y);
      const base = {
        layout: 'simcc' as const,
        joints: x.tensor.dims[1]!,
        lengthX: last(x),
        lengthY: last(y),
        x: sample(x.tensor, batchIndex),
        y: sample(y.tensor, batchIndex),
      };
      if (head === 'simcc') return base;
      const sigma = pairs.find(isSigmaName) ?? pairs[0];
      if (!sigma) throw shapeError(head, all, 'a [N,K,2] sigma output next to the SimCC vectors');
      sameJoints(head, all, x, sigma);
      return { ...base, sigma: sample(sigma.tensor, batchIndex) };
    }
    default:
      throw new DecoderShapeError(`unknown head type "${String(head)}"`);
  }
}

function preferName(candidates: Named[], pattern: RegExp): Named | undefined {
  return candidates.find((n) => pattern.test(n.name)) ?? candidates[0];
}

function checkTensor(name: string, tensor: OutputTensor, batchIndex: number): void {
  const size = tensor.dims.reduce((a, b) => a * b, 1);
  if (tensor.dims.some((d) => !Number.isInteger(d) || d <= 0) || tensor.data.length !== size) {
    throw new DecoderShapeError(`output "${name}" has dims [${tensor.dims.join(',')}] but ${tensor.data.length} values`);
  }
  if (tensor.dims.length < 2) throw new DecoderShapeError(`output "${name}" [${tensor.dims.join(',')}] has no batch and joint axes`);
  if (!(Number.isInteger(batchIndex) && batchIndex >= 0 && batchIndex < tensor.dims[0]!)) {
    throw new DecoderShapeError(`batch index ${batchIndex} is outside output "${name}" [${tensor.dims.join(',')}]`);
  }
}

/** Zero-copy view of one batch sample. */
function sample(tensor: OutputTensor, batchIndex: number): Float32Array {
  const per = tensor.data.length / tensor.dims[0]!;
  return tensor.data.subarray(batchIndex * per, (batchIndex + 1) * per);
}

function sameJoints(head: HeadKind, all: Named[], a: Named, b: Named): void {
  if (a.tensor.dims[1] !== b.tensor.dims[1]) {
    throw shapeError(head, all, `outputs "${a.name}" and "${b.name}" with the same joint count`);
  }
}

function shapeError(head: HeadKind, all: Named[], wanted: string): DecoderShapeError {
  const have = all.map((n) => `${n.name} [${n.tensor.dims.join(',')}]`).join(', ') || 'no outputs';
  return new DecoderShapeError(`head "${head}" needs ${wanted}; the model gave ${have}`);
}
