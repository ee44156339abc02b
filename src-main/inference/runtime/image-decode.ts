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
 *
 * Damaged files (`failOn: 'error'`, sharp's constructor docs):
 * - A TRUNCATED JPEG is refused: libjpeg's "premature end of JPEG image" is an error at that level.
 *   Cutting a 14 kB baseline JPEG at every byte, each cut failed except the two that lose only (part
 *   of) the final EOI marker. OpenCV decodes the part before the cut (libjpeg only warns and fills
 *   the rest with grey), so where mmpose would score a partly grey crop, posebench fails the image's
 *   persons, named, and scores them as misses (see the README).
 * - Data errors that libjpeg only WARNS about ("Corrupt JPEG data: premature end of data segment",
 *   "bad Huffman code") decode, as in OpenCV, and the warnings are returned with the image so the
 *   pipeline can name the image (sharp emits them as `warning` events).
 * - Files that are not images, or whose header is broken, are errors naming the file.
 * - A header claiming more than MAX_IMAGE_PIXELS pixels is refused before any pixel is decoded
 *   (sharp's `limitInputPixels`): a 12000×12000 header on a small file cost 1.47 GB of memory.
 * - Only regular files are read (core/regular-file.ts): a FIFO would block the worker for good.
 *
 * Both OpenCV and libvips decode JPEG with libjpeg(-turbo)'s default integer IDCT and fancy
 * upsampling, so the pixels match OpenCV's on baseline files (checked against the golden crops in
 * test/unit/inference/runtime/image-decode.test.ts).
 */
import sharp from 'sharp';
import { PosebenchInputError } from '../../core/errors.ts';
import { printableExcerpt } from '../../core/printable-excerpt.ts';
import { readRegularFile } from '../../core/regular-file.ts';

/**
 * Largest image decoded: 8192×8192 = 67 megapixels (about 200 MB as RGB). MPII photos are at most
 * 1920×1080; the largest consumer camera sensors are about 61 MP. Above it a header is far more
 * likely damaged or hostile than real.
 */
export const MAX_IMAGE_PIXELS = 8192 * 8192;
/** Largest image file read (a 67-megapixel JPEG at quality 100 is about 40 MB; PNG at most ~200 MB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width*height*3 bytes, RGB, row-major. */
  readonly data: Uint8Array;
}

export interface DecodedImage extends RgbImage {
  /**
   * What libjpeg/libvips warned about while decoding (e.g. "Corrupt JPEG data: premature end of data
   * segment"), one line each, without duplicates; empty for a clean file.
   */
  readonly warnings: readonly string[];
}

export async function decodeImageRgb(file: string): Promise<DecodedImage> {
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file, 'image file', { maxBytes: MAX_IMAGE_FILE_BYTES });
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new PosebenchInputError({ file }, code === 'ENOENT' ? 'image file not found' : `image file not readable (${code ?? 'read error'})`);
  }
  const rawWarnings: string[] = [];
  try {
    const image = sharp(bytes, { ignoreIcc: true, failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS });
    image.on('warning', (message: unknown) => rawWarnings.push(String(message)));
    const { data, info } = await image.autoOrient().removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels instead of 3`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      warnings: decoderWarnings(rawWarnings),
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/exceeds pixel limit/i.test(reason)) throw new PosebenchInputError({ file }, describeOversize(bytes));
    throw new PosebenchInputError({ file }, `cannot decode image (${describeDecodeError(reason)})`);
  }
}

/**
 * libvips' warnings as they reach the `warning` event: "read gave 2 warnings" counters, "error in
 * tile 0 x 8" notes, and the decoder's own lines ("VipsJpeg: Corrupt JPEG data: …\n", several per
 * event). Keeps the decoder's lines, without the "VipsJpeg: " prefix, each once.
 */
export function decoderWarnings(raw: readonly string[]): string[] {
  const lines = new Set<string>();
  for (const event of raw) {
    for (const line of event.split('\n')) {
      const text = line.trim();
      if (text === '' || /^read gave \d+ warnings?$/.test(text) || /^error in tile \d+ x \d+$/.test(text)) continue;
      lines.add(printableExcerpt(text.replace(/^Vips\w+: /, ''), 120));
    }
  }
  return [...lines];
}

/** sharp's first line ("Input buffer has corrupt header: VipsJpeg: …"), made printable. */
function describeDecodeError(reason: string): string {
  const first = reason.split('\n')[0]?.trim() ?? reason;
  return printableExcerpt(first.replace(/Vips\w+: /g, ''), 120);
}

function describeOversize(bytes: Buffer): string {
  const limit = `${(MAX_IMAGE_PIXELS / 1e6).toFixed(1)}-megapixel`;
  const size = headerSize(bytes);
  const claim =
    size === undefined
      ? 'its header claims more pixels'
      : `its header claims ${size.width}×${size.height} (${((size.width * size.height) / 1e6).toFixed(1)} megapixels)`;
  return `${claim}, over the ${limit} decoding limit for a ${bytes.length}-byte file: not decoded (a damaged or forged header?)`;
}

/** Width and height from a JPEG SOFn or PNG IHDR header (for the message only). */
function headerSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('latin1', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 9 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    const length = bytes.readUInt16BE(pos + 2);
    // SOF0–SOF15 except DHT (C4), JPG (C8), DAC (CC): length(2) precision(1) height(2) width(2).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { width: bytes.readUInt16BE(pos + 7), height: bytes.readUInt16BE(pos + 5) };
    }
    pos += 2 + length;
  }
  return undefined;
}
