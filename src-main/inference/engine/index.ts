/** Public API of the single-thread ONNX Runtime engine. */
export { decodeImageRgb, type RgbImage } from './image-decode.ts';
export { defaultKeypointNames, mapModelJointsToMpii, toMpiiKeypoints, type JointMapping } from './joint-mapping.ts';
export {
  benchPipeline,
  benchSessionRun,
  environmentInfo,
  summarise,
  type EnvironmentInfo,
  type LatencyStats,
  type PipelineBenchResult,
} from './latency-bench.ts';
export { IMAGENET_MEAN, IMAGENET_STD, describeModel, inferHeadFromOutputs, inspectModel, type ModelInfo } from './model-inspect.ts';
export { parseModelSidecar, readModelSidecar, sidecarPathFor, type ModelSidecar } from './model-sidecar.ts';
export { ModelSession, SINGLE_THREAD_SESSION_OPTIONS, type OutputTensor, type TensorSpec } from './onnx-session.ts';
export {
  runModelsOverDataset,
  type PipelineFailure,
  type PipelineProgress,
  type PipelineResult,
  type PipelineSummary,
  type RunModelsOptions,
} from './run-pipeline.ts';
