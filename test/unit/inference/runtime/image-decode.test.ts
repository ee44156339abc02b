/**
 * decodeImageRgb follows OpenCV's IMREAD_COLOR (what mmpose uses): EXIF orientation applied, ICC
 * profile ignored, grey → 3 channels, alpha dropped; bad files are errors naming the file.
 * (Pixel equality with OpenCV on real MPII JPEGs is checked in efficientpose-golden.test.ts.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../../src-main/core/errors.ts';
import { decodeImageRgb } from '../../../../src-main/inference/runtime/image-decode.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'posebench-engine-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 4×2 RGB image: left half red, right half blue. */
function leftRedRightBlue(): Buffer {
  const data = Buffer.alloc(4 * 2 * 3);
  for (let y = 0; y < 2; y += 1) {
    for (let x = 0; x < 4; x += 1) {
      const o = (y * 4 + x) * 3;
      if (x < 2) data[o] = 255;
      else data[o + 2] = 255;
    }
  }
  return data;
}

describe('decodeImageRgb', () => {
  it('applies EXIF orientation as cv2.imread does (orientation 6 = rotate 90° clockwise)', async () => {
    const file = path.join(dir, 'oriented.png');
    await sharp(leftRedRightBlue(), { raw: { width: 4, height: 2, channels: 3 } })
      .png()
      .withMetadata({ orientation: 6 })
      .toFile(file);
    expect((await sharp(file).metadata()).orientation).toBe(6);
    const image = await decodeImageRgb(file);
    expect([image.width, image.height]).toEqual([2, 4]);
    // Rotated clockwise: the left (red) half is now the top half.
    expect([...image.data.subarray(0, 3)]).toEqual([255, 0, 0]);
    expect([...image.data.subarray(image.data.length - 3)]).toEqual([0, 0, 255]);
  });

  it('ignores the embedded ICC profile (OpenCV never colour-manages)', async () => {
    const file = path.join(dir, 'p3.png');
    // Pure sRGB red converted to Display P3 is stored as roughly (234, 51, 35) and tagged P3.
    await sharp(Buffer.from([255, 0, 0]), { raw: { width: 1, height: 1, channels: 3 } })
      .png()
      .withIccProfile('p3')
      .toFile(file);
    const stored = await sharp(file, { ignoreIcc: true }).raw().toBuffer();
    const colourManaged = await sharp(file).raw().toBuffer();
    expect([...stored]).not.toEqual([...colourManaged]); // the profile does change the pixels
    const image = await decodeImageRgb(file);
    expect([...image.data]).toEqual([...stored]);
  });

  it('grey PNG with alpha → 3 equal channels, alpha dropped', async () => {
    const file = path.join(dir, 'grey-alpha.png');
    await sharp(Buffer.from([10, 200, 90, 50]), { raw: { width: 2, height: 1, channels: 2 } })
      .png()
      .toFile(file);
    const image = await decodeImageRgb(file);
    expect([...image.data]).toEqual([10, 10, 10, 90, 90, 90]);
  });

  it('missing, non-image and truncated-header files → PosebenchInputError naming the file', async () => {
    const missing = path.join(dir, 'missing.jpg');
    const garbage = path.join(dir, 'garbage.jpg');
    await writeFile(garbage, Buffer.from('this is not a jpeg at all'));
    const header = path.join(dir, 'header-only.jpg');
    const jpeg = await sharp(leftRedRightBlue(), { raw: { width: 4, height: 2, channels: 3 } })
      .jpeg()
      .toBuffer();
    await writeFile(header, jpeg.subarray(0, 20));
    for (const [file, message] of [
      [missing, /not found/],
      [garbage, /cannot decode image/],
      [header, /cannot decode image/],
    ] as const) {
      const error = await decodeImageRgb(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PosebenchInputError);
      expect((error as PosebenchInputError).location.file).toBe(file);
      expect((error as PosebenchInputError).message).toMatch(message);
    }
  });
});
