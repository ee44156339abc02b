/**
 * Thumbnails of one person: the top-down crop square (queries.personCrop), padded with black where it
 * leaves the image, resized with sharp and cached as JPEG under the cache folder. Generated lazily on
 * first request; concurrent requests for the same file share one job.
 *
 * Browse asks for thumbnails with the skeletons drawn in (GT, and optionally one variant's
 * prediction, each in the colour the UI gives it): one `<img>` per grid cell instead of an image plus
 * an SVG overlay, which is what makes scrolling thousands of instances smooth (issue 5). The cached
 * file's name carries a digest of exactly what was drawn (coordinates and colours), so an edited GT
 * or a re-run variant gives a new file and never a stale picture.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { CropBox, ThumbOverlaySpec } from '../../api/contract.ts';
import { MPII_JOINT_COUNT, MPII_SKELETON } from '../../core/joints.ts';
import type { PersonAnnotation, Point2 } from '../../core/types.ts';
import type { VariantState } from './view-model.ts';

/** Skeletons to draw into a thumbnail, in 0-based image pixels. */
export interface ThumbnailOverlay {
  readonly gt: readonly (Point2 | null)[];
  /** '#rrggbb' */
  readonly gtColor: string;
  readonly pred: readonly (Point2 | null)[] | null;
  /** '#rrggbb'; ignored without `pred`. */
  readonly predColor: string;
}

const jobs = new Map<string, Promise<string>>();

/** The overlay a media key asks for, from the engine's current data (never from the key's own numbers). */
export function thumbnailOverlayFor(person: PersonAnnotation, index: number, spec: ThumbOverlaySpec, variant: VariantState | null): ThumbnailOverlay {
  let pred: (Point2 | null)[] | null = null;
  const predictions = variant?.predictions ?? null;
  if (predictions !== null) {
    pred = [];
    for (let j = 0; j < MPII_JOINT_COUNT; j++) {
      const x = predictions[(index * MPII_JOINT_COUNT + j) * 2]!;
      const y = predictions[(index * MPII_JOINT_COUNT + j) * 2 + 1]!;
      pred.push(Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null);
    }
  }
  return { gt: person.joints, gtColor: `#${spec.gtColor}`, pred, predColor: `#${spec.predColor ?? 'ffffff'}` };
}

export function thumbnailPath(cacheDir: string, datasetId: string, index: number, size: number, overlay: ThumbnailOverlay | null = null): string {
  const name = overlay === null ? `${index}.jpg` : `${index}-${overlayDigest(overlay)}.jpg`;
  return path.join(cacheDir, 'thumbnails', datasetId, String(size), name);
}

export function ensureThumbnail(imageFile: string, crop: CropBox, out: string, size: number, overlay: ThumbnailOverlay | null = null): Promise<string> {
  let job = jobs.get(out);
  if (job === undefined) {
    job = makeThumbnail(imageFile, crop, out, size, overlay).finally(() => jobs.delete(out));
    jobs.set(out, job);
  }
  return job;
}

/**
 * The skeletons as an SVG of the thumbnail's size whose viewBox is the crop square, so joints are
 * given in image pixels. Line width side/110 of the crop (≈1.5 px at 160 px), as the UI's overlays.
 */
export function overlaySvg(crop: CropBox, size: number, overlay: ThumbnailOverlay): string {
  const [x0, y0, side] = crop;
  const width = side / 110;
  const paths = [bonesPath(overlay.gt, overlay.gtColor, width)];
  if (overlay.pred !== null) paths.push(bonesPath(overlay.pred, overlay.predColor, width));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="${x0} ${y0} ${side} ${side}">${paths.join('')}</svg>`;
}

function bonesPath(joints: readonly (Point2 | null)[], color: string, width: number): string {
  let d = '';
  for (const [a, b] of MPII_SKELETON) {
    const p = joints[a];
    const q = joints[b];
    if (!p || !q) continue;
    d += `M${p[0]} ${p[1]}L${q[0]} ${q[1]}`;
  }
  if (d === '') return '';
  return `<path d="${d}" stroke="${color}" stroke-width="${width}" stroke-opacity="0.9" fill="none" stroke-linecap="round"/>`;
}

function overlayDigest(overlay: ThumbnailOverlay): string {
  const hash = createHash('sha1');
  hash.update(JSON.stringify([overlay.gt, overlay.gtColor, overlay.pred, overlay.pred !== null ? overlay.predColor : null]));
  return hash.digest('hex').slice(0, 16);
}

async function makeThumbnail(imageFile: string, crop: CropBox, out: string, size: number, overlay: ThumbnailOverlay | null): Promise<string> {
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
  if (overlay !== null) {
    // The pixels above are the rounded square [left, top, s]: draw in that same square so bones sit on the joints.
    pipeline = sharp(await pipeline.raw().toBuffer(), { raw: { width: size, height: size, channels: 3 } })
      .composite([{ input: Buffer.from(overlaySvg([left, top, s], size, overlay)), left: 0, top: 0 }]);
  }
  await mkdir(path.dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  // 4:4:4 chroma keeps the thin coloured bones crisp (4:2:0 halves their colour resolution).
  await pipeline.jpeg({ quality: 82, ...(overlay !== null ? { chromaSubsampling: '4:4:4' } : {}) }).toFile(temp);
  await rename(temp, out);
  return out;
}
