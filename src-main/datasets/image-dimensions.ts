/**
 * Image width and height from the file header only (JPEG SOFn segment, PNG IHDR chunk): a few small
 * reads, no decoding. Used for thumbnails and the UI, where decoding thousands of images is too slow.
 * The size is the stored one; EXIF orientation is not applied (MPII images carry none).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { PosebenchInputError } from '../core/errors.ts';
import { notRegularFileError } from '../core/regular-file.ts';

export interface ImageDimensions {
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

/** JPEG start-of-frame markers (all SOFn except DHT C4, JPG C8 and DAC CC), which carry the size. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

export function imageDimensions(file: string): ImageDimensions {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO must not block the open (core/regular-file.ts); fstat then refuses it.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PosebenchInputError({ file }, `cannot open image (${code})`);
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw notRegularFileError(file, 'image file', stats);
    const head = Buffer.alloc(24);
    const got = readSync(fd, head, 0, head.length, 0);
    if (got >= 2 && head[0] === 0xff && head[1] === 0xd8) return jpegDimensions(fd, file);
    if (got >= 24 && PNG_SIGNATURE.every((byte, i) => head[i] === byte)) {
      if (head.toString('latin1', 12, 16) !== 'IHDR') throw new PosebenchInputError({ file }, 'PNG file does not start with an IHDR chunk');
      return checked(file, head.readUInt32BE(16), head.readUInt32BE(20));
    }
    throw new PosebenchInputError({ file }, 'not a JPEG or PNG image');
  } finally {
    closeSync(fd);
  }
}

function checked(file: string, width: number, height: number): ImageDimensions {
  if (width === 0 || height === 0) throw new PosebenchInputError({ file }, `image header gives an empty size ${width}x${height}`);
  return { width, height };
}

function jpegDimensions(fd: number, file: string): ImageDimensions {
  const buf = Buffer.alloc(9);
  let pos = 2;
  for (;;) {
    // A marker is 0xFF, optional 0xFF fill bytes, then the marker code.
    if (readSync(fd, buf, 0, 1, pos) < 1) break;
    if (buf[0] !== 0xff) throw new PosebenchInputError({ file }, `corrupt JPEG: expected a marker at byte ${pos}`);
    let marker = 0xff;
    while (marker === 0xff) {
      pos++;
      if (readSync(fd, buf, 0, 1, pos) < 1) break;
      marker = buf[0] ?? 0xff;
    }
    pos++;
    // Markers without a length field: TEM and RST0–7.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) break; // EOI or start of scan before any frame header
    if (readSync(fd, buf, 0, 9, pos) < 2) break;
    const length = buf.readUInt16BE(0);
    if (length < 2) throw new PosebenchInputError({ file }, `corrupt JPEG: segment length ${length} at byte ${pos}`);
    if (isStartOfFrame(marker)) {
      if (length < 7) throw new PosebenchInputError({ file }, 'corrupt JPEG: frame header too short');
      // SOFn: length(2) precision(1) height(2) width(2)
      return checked(file, buf.readUInt16BE(5), buf.readUInt16BE(3));
    }
    pos += length;
  }
  throw new PosebenchInputError({ file }, 'JPEG has no frame header (SOF) before its image data');
}
