import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import { imageDimensions } from '../../../src-main/datasets/image-dimensions.ts';
import { HAS_SHARED, sharedPath, skipWithoutShared } from '../../support/shared-fixtures.ts';
import { makeTempDir, removeDir } from './dataset-test-files.ts';

describe.skipIf(!HAS_SHARED)('imageDimensions on the real MPII images', () => {
  skipWithoutShared('real MPII JPEG images and golden PNG crops');

  it('agrees with libvips (sharp) on every fixture JPEG and PNG', async () => {
    const files = [
      ...readdirSync(sharedPath('fixtures', 'mpii', 'images')).map((f) => sharedPath('fixtures', 'mpii', 'images', f)),
      ...readdirSync(sharedPath('fixtures', 'mpii-goldens')).filter((f) => f.endsWith('.png')).map((f) => sharedPath('fixtures', 'mpii-goldens', f)),
    ];
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const file of files) {
      const meta = await sharp(file).metadata();
      expect(imageDimensions(file), file).toEqual({ width: meta.width, height: meta.height });
    }
  });
});

describe('imageDimensions on generated images', () => {
  let dir = '';
  beforeAll(() => {
    dir = makeTempDir('imgdims');
  });
  afterAll(() => removeDir(dir));

  const raw = (width: number, height: number): ReturnType<typeof sharp> =>
    sharp(Buffer.alloc(width * height * 3, 128), { raw: { width, height, channels: 3 } });

  it('reads baseline and progressive JPEGs, with EXIF/ICC segments before the frame header', async () => {
    const cases: [string, ReturnType<typeof sharp>][] = [
      ['baseline.jpg', raw(321, 123).jpeg()],
      ['progressive.jpg', raw(77, 500).jpeg({ progressive: true })],
      ['exif.jpg', raw(640, 3).withMetadata({ exif: { IFD0: { Copyright: 'x'.repeat(3000) } } }).jpeg()],
    ];
    for (const [name, image] of cases) {
      const file = path.join(dir, name);
      await image.toFile(file);
      const meta = await sharp(file).metadata();
      expect(imageDimensions(file), name).toEqual({ width: meta.width, height: meta.height });
    }
    expect(imageDimensions(path.join(dir, 'exif.jpg'))).toEqual({ width: 640, height: 3 });
  });

  it('reads PNG IHDR', async () => {
    const file = path.join(dir, 'a.png');
    await raw(1001, 17).png().toFile(file);
    expect(imageDimensions(file)).toEqual({ width: 1001, height: 17 });
  });

  it('rejects missing, non-image and truncated files naming the file', async () => {
    const missing = path.join(dir, 'nope.jpg');
    expect(() => imageDimensions(missing)).toThrow(PosebenchInputError);
    expect(() => imageDimensions(missing)).toThrow(/nope\.jpg: cannot open image \(ENOENT\)/);

    const text = path.join(dir, 'text.jpg');
    writeFileSync(text, 'not an image at all');
    expect(() => imageDimensions(text)).toThrow(/text\.jpg: not a JPEG or PNG image/);

    const full = path.join(dir, 'full.jpg');
    await raw(50, 60).jpeg().toFile(full);
    const bytes = readFileSync(full);
    // Cut inside the segments that come before the frame header.
    const truncated = path.join(dir, 'truncated.jpg');
    writeFileSync(truncated, bytes.subarray(0, 30));
    expect(() => imageDimensions(truncated)).toThrow(/truncated\.jpg: JPEG has no frame header/);
  });
});
