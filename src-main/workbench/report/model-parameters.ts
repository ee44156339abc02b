/** A model variant's parameter count for the report, or why there is none (the file gone or unreadable). */
import { countOnnxParameters } from '../../formats/onnx-parameters.ts';

export interface ModelParameters {
  readonly count: number | null;
  /** Why count is null. */
  readonly reason: string | null;
}

export function modelParameters(modelFile: string): ModelParameters {
  try {
    const { parameters, initializers } = countOnnxParameters(modelFile);
    if (initializers === 0) return { count: null, reason: 'no initializers in the ONNX graph (weights as Constant nodes are not counted)' };
    return { count: parameters, reason: null };
  } catch (error) {
    // A report is still useful without the count; the reason is printed in its place.
    const code = (error as NodeJS.ErrnoException).code;
    return { count: null, reason: code === 'ENOENT' ? 'model file not found' : `model file not readable as ONNX (${(error as Error).message})` };
  }
}
