/**
 * Version of the code that turns an image and a model's outputs into keypoints: the crop and warp
 * (preprocess/), the decoders (decoders/) and the flip test (flip-test.ts). It is part of every model
 * run's identity (workbench/run-identity.ts), so a stored run made by other crop or decoder code is
 * never reused for new numbers.
 *
 * Bump it with any change to those files that can change a prediction. A test
 * (test/unit/inference/code-version.test.ts) digests those files with comments and white space
 * removed and fails when they changed but this number and its digest were not updated together.
 */
export const INFERENCE_CODE_VERSION = 1;
