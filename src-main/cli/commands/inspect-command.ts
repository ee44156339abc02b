/** posebench inspect MODEL.onnx [--format json|table]: what the engine will do with a model. */
import path from 'node:path';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { inspectModel } from '../../inference/runtime/model-inspect.ts';
import { humanJointName, MPII_JOINT_NAMES } from '../../core/joints.ts';

export async function runInspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('inspect', argv, { format: { type: 'string' } }, true);
  const format = oneOf('format', values.format, ['json', 'table'], 'table');
  const [modelFile, ...extra] = positionals;
  if (modelFile === undefined || extra.length > 0) throw new CliUsageError('posebench inspect takes exactly one MODEL.onnx');
  const info = await inspectModel(path.resolve(modelFile));
  if (format === 'json') {
    const json = {
      head: info.head,
      head_from: info.headFrom,
      input: info.input,
      outputs: info.outputs,
      keypoints: info.keypoints,
      mpii_mapping: info.mpiiMapping,
      joint_predicted: info.jointPredicted,
      decoder: info.decoder,
      sidecar: info.sidecar ?? null,
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `model    ${info.file}`,
    `head     ${info.head} (from ${info.headFrom})${info.sidecar ? `, sidecar ${info.sidecar}` : ''}`,
    `input    ${info.input.name} [${info.input.shape.join(', ')}] ${info.input.color.toUpperCase()} mean ${info.input.mean.join('/')} std ${info.input.std.join('/')}`,
    ...info.outputs.map((output) => `output   ${output.name} [${output.shape.join(', ')}]`),
    `joints   ${info.jointCount}: ${info.keypoints.join(', ')}`,
  ];
  const missing = MPII_JOINT_NAMES.map((_, index) => index).filter((index) => !info.jointPredicted[index]);
  if (missing.length > 0) lines.push(`not predicted (left out of PCKh): ${missing.map(humanJointName).join(', ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
