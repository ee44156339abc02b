/**
 * JPEG/PNG → packed RGB uint8 (row-major, 3 bytes per pixel), decoded the way mmpose's loader does:
 * mmpose reads images with OpenCV (`cv2.imread` / `cv2.imdecode` with IMREAD_COLOR, spec §4.4), so
 *
 * - EXIF orientation IS applied: OpenCV rotates by the EXIF tag unless IMREAD_IGNORE_ORIENTATION is
 *   set (imread since 3.1, imdecode since 3.4/4.x), and mmpose's 'color' flag does not set it.
 *   sharp does not rotate by default, so we call `autoOrient()`.
 * - Embedded ICC profiles are IGNORED: OpenCV never colour-manages, while sharp converts to sRGB
 *   through the embedded profile unless told `ignoreIcc`.
 * - Greyscale images become 3 equal channels and alpha is dropped (IMREAD_COLOR); 16-bit PNGs are
 *   reduced to 8 bits.
 * - A truncated JPEG decodes partially, as with OpenCV (libjpeg warning, not an error): `failOn:
 *   'error'`. Files that are not images, or whose header is broken, are errors naming the file.
 *
 * Both OpenCV and libvips decode JPEG with libjpeg(-turbo)'s default integer IDCT and fancy
 * upsampling, so the pixels match OpenCV's on baseline files (checked against the golden crops in
 * test/unit/engine/image-decode.test.ts).
 */
import { access } from 'node:fs/promises';
import sharp from 'sharp';
import { PosebenchInputError } from '../../core/errors.ts';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width*height*3 bytes, RGB, row-major. */
  readonly data: Uint8Array;
}

export async function decodeImageRgb(file: string): Promise<RgbImage> {
  try {
    await access(file);
  } catch {
    throw new PosebenchInputError({ file }, 'image file not found or not readable');
  }
  try {
    const { data, info } = await sharp(file, { ignoreIcc: true, failOn: 'error' })
      .autoOrient()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PosebenchInputError({ file }, `cannot decode image (${reason})`);
  }
}
