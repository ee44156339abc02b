/**
 * The crop/decoder code version is part of every model run's identity (src-main/inference/code-version.ts):
 * a stored run made by other crop or decoder code must never be reused. This test digests that code
 * (comments and white space left out, so a reworded comment or a reformat does not count) and fails
 * when it changed while INFERENCE_CODE_VERSION and the digest below were not updated together.
 *
 * When it fails: if the change can alter any prediction, bump INFERENCE_CODE_VERSION; either way put
 * the printed digest into RECORDED below, next to the version it belongs to.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INFERENCE_CODE_VERSION } from '../../../src-main/inference/code-version.ts';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

const RECORDED = { version: 1, digest: 'c40439d290d3f80e' }; // coco-box.ts: the float32 xyxy crop shared by GT boxes and detected (unclipped) boxes; predictions unchanged

const INFERENCE = path.join(PROJECT_ROOT, 'src-main', 'inference');

/** The files whose code turns pixels and model outputs into keypoints. */
function numericCodeFiles(): string[] {
  const inFolder = (folder: string) =>
    readdirSync(path.join(INFERENCE, folder))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => path.join(INFERENCE, folder, name));
  return [
    ...inFolder('preprocess'),
    ...inFolder('decoders'),
    path.join(INFERENCE, 'flip-test.ts'),
    path.join(INFERENCE, 'runtime', 'prepare-tensors.ts'),
    // The crop's constants (pixel_std, padding, the 15·s shift) live with the shared geometry.
    path.join(INFERENCE, '..', 'core', 'geometry.ts'),
  ].sort();
}

/** Code without comments and white space (string contents are kept). */
export function codeOnly(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
    .replace(/\s+/g, '');
}

describe('inference code version', () => {
  it('is bumped (and the digest recorded) whenever the crop, tensor or decoder code changes', () => {
    const hash = createHash('sha256');
    for (const file of numericCodeFiles())
      hash
        .update(path.relative(INFERENCE, file))
        .update('\0')
        .update(codeOnly(readFileSync(file, 'utf8')))
        .update('\0');
    const digest = hash.digest('hex').slice(0, 16);
    expect(
      { version: INFERENCE_CODE_VERSION, digest },
      `the crop/decoder code changed: bump INFERENCE_CODE_VERSION if predictions can change, then set RECORDED = { version: ${INFERENCE_CODE_VERSION}, digest: '${digest}' }`,
    ).toEqual(RECORDED);
  });

  it('ignores comments and white space, not code', () => {
    expect(codeOnly('const a = 1; // one\n/* block */ const b = "x // y";')).toBe(codeOnly('const a=1;\nconst b = "x // y";'));
    expect(codeOnly('const a = 1;')).not.toBe(codeOnly('const a = 2;'));
  });
});
