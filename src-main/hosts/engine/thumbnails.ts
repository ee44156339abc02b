/**
 * Thumbnails of one person: the top-down crop square (queries.personCrop), padded with black where it
 * leaves the image, resized with sharp and cached as JPEG under the cache folder. Generated lazily on
 * first request; concurrent requests for the same file share one job.
 */
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { CropBox } from '../../api/contract.ts';

const jobs = new Map<string, Promise<string>>();

export function thumbnailPath(cacheDir: string, datasetId: string, index: number, size: number): string {
  return path.join(cacheDir, 'thumbnails', datasetId, String(size), `${index}.jpg`);
}

export function ensureThumbnail(imageFile: string, crop: CropBox, out: string, size: number): Promise<string> {
  let job = jobs.get(out);
  if (job === undefined) {
    job = makeThumbnail(imageFile, crop, out, size).finally(() => jobs.delete(out));
    jobs.set(out, job);
  }
  return job;
}

async function makeThumbnail(imageFile: string, crop: CropBox, out: string, size: number): Promise<string> {
  try {
    await stat(out);
    return out;
  } catch {
    // not cached yet
  }
  const image = sharp(imageFile, { failOn: 'none' });
  const meta = await image.metadata();
  // Stored orientation, not EXIF-rotated: annotations refer to the stored pixels.
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width === 0 || height === 0) throw new Error(`${imageFile}: cannot read the image size`);
  const [x0, y0, side] = crop;
  const left = Math.round(x0);
  const top = Math.round(y0);
  const s = Math.max(1, Math.round(side));
  // Intersection of the crop square with the image; the rest is black padding.
  const ix0 = Math.max(0, left);
  const iy0 = Math.max(0, top);
  const ix1 = Math.min(width, left + s);
  const iy1 = Math.min(height, top + s);
  let pipeline;
  if (ix1 <= ix0 || iy1 <= iy0) {
    pipeline = sharp({ create: { width: size, height: size, channels: 3, background: '#000' } });
  } else {
    // sharp runs extend after resize within one pipeline, so pad first (raw pixels), then resize.
    const padded = await sharp(imageFile, { failOn: 'none' })
      .removeAlpha()
      .extract({ left: ix0, top: iy0, width: ix1 - ix0, height: iy1 - iy0 })
      .extend({ left: ix0 - left, top: iy0 - top, right: left + s - ix1, bottom: top + s - iy1, background: '#000' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    pipeline = sharp(padded.data, { raw: { width: padded.info.width, height: padded.info.height, channels: padded.info.channels } }).resize(size, size, {
      fit: 'fill',
    });
  }
  await mkdir(path.dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  await pipeline.jpeg({ quality: 80 }).toFile(temp);
  await rename(temp, out);
  return out;
}
