/**
 * Thumbnails of one person: the top-down crop square (core/geometry.ts personCropBox), padded with black where it
 * leaves the image, resized with sharp and cached as JPEG under the cache folder. Made on first
 * request; thumbnail-service.ts schedules them (a low-priority process, requests before
 * pre-generation, one at a time) and calls `makeThumbnail` here or in the worker.
 *
 * Browse asks for thumbnails with the skeletons drawn in (GT, and optionally one variant's
 * prediction, each in the colour the UI gives it): one `<img>` per grid cell instead of an image plus
 * an SVG overlay, which is what makes scrolling thousands of instances smooth (issue 5). The cached
 * file's name carries a digest of exactly what was drawn (coordinates and colours), so an edited GT
 * or a re-run variant gives a new file and never a stale picture.
 */
import { createHash } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import { readRegularFile } from '../../../core/regular-file.ts';
import { MAX_IMAGE_FILE_BYTES, MAX_IMAGE_PIXELS } from '../../../inference/runtime/image-decode.ts';
import path from 'node:path';
import sharp from 'sharp';
import type { CropBox, ThumbOverlaySpec } from '../../../api/contract.ts';
import { MPII_JOINT_COUNT, MPII_SKELETON } from '../../../core/joints.ts';
import type { PersonAnnotation, Point2 } from '../../../core/types.ts';
import type { VariantState } from '../../view-model.ts';

/** Skeletons to draw into a thumbnail, in 0-based image pixels. */
export interface ThumbnailOverlay {
  readonly gt: readonly (Point2 | null)[];
  /** '#rrggbb' */
  readonly gtColor: string;
  readonly pred: readonly (Point2 | null)[] | null;
  /** '#rrggbb'; ignored without `pred`. */
  readonly predColor: string;
}

/** One thumbnail to make: everything needed, so a worker process can make it without the dataset. */
export interface ThumbnailJob {
  readonly imageFile: string;
  readonly crop: CropBox;
  /** The cache file (thumbnailPath). */
  readonly out: string;
  readonly size: number;
  readonly overlay: ThumbnailOverlay | null;
}

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

/** Where the crop's image pixels land in the thumbnail: image (x, y) → (x0 + x·sx, y0 + y·sy). */
interface PixelMap {
  readonly x0: number;
  readonly y0: number;
  readonly sx: number;
  readonly sy: number;
}

/**
 * Draws the skeletons into the thumbnail's RGB pixels: round-capped bones of width size/110 (the UI
 * overlays' side/110 of the crop), opacity 0.9, anti-aliased by the box-filtered distance of each
 * pixel centre to the bone. Drawn here rather than as an SVG composite: sharp's composite (librsvg
 * and a second image in the pipeline) cost more than the rest of the thumbnail together, and the
 * engine generates thumbnails while the user scrolls.
 */
export function drawOverlay(rgb: Uint8Array, size: number, map: PixelMap, overlay: ThumbnailOverlay): void {
  const width = size / 110;
  drawBones(rgb, size, overlay.gt, overlay.gtColor, width, map);
  if (overlay.pred !== null) drawBones(rgb, size, overlay.pred, overlay.predColor, width, map);
}

function drawBones(rgb: Uint8Array, size: number, joints: readonly (Point2 | null)[], color: string, width: number, map: PixelMap): void {
  const half = width / 2;
  // Coverage per pixel, the maximum over the bones: where bones meet, the colour is laid down once.
  const cover = new Float32Array(size * size);
  for (const [a, b] of MPII_SKELETON) {
    const p = joints[a];
    const q = joints[b];
    if (!p || !q) continue;
    const px = map.x0 + p[0] * map.sx;
    const py = map.y0 + p[1] * map.sy;
    const dx = map.x0 + q[0] * map.sx - px;
    const dy = map.y0 + q[1] * map.sy - py;
    const length2 = dx * dx + dy * dy;
    const xMin = Math.max(0, Math.floor(Math.min(px, px + dx) - half - 1));
    const xMax = Math.min(size - 1, Math.ceil(Math.max(px, px + dx) + half + 1));
    const yMin = Math.max(0, Math.floor(Math.min(py, py + dy) - half - 1));
    const yMax = Math.min(size - 1, Math.ceil(Math.max(py, py + dy) + half + 1));
    for (let y = yMin; y <= yMax; y++) {
      for (let x = xMin; x <= xMax; x++) {
        const cx = x + 0.5 - px;
        const cy = y + 0.5 - py;
        const t = length2 > 0 ? Math.min(1, Math.max(0, (cx * dx + cy * dy) / length2)) : 0;
        const d = Math.hypot(cx - t * dx, cy - t * dy);
        // Overlap of the pixel [d - ½, d + ½] with the line's cross-section [-w/2, w/2].
        const c = Math.min(d + 0.5, half) - Math.max(d - 0.5, -half);
        const i = y * size + x;
        if (c > cover[i]!) cover[i] = c;
      }
    }
  }
  const r = parseInt(color.slice(1, 3), 16);
  const g = parseInt(color.slice(3, 5), 16);
  const b = parseInt(color.slice(5, 7), 16);
  for (let i = 0; i < cover.length; i++) {
    const c = cover[i]!;
    if (c <= 0) continue;
    const alpha = 0.9 * Math.min(1, c);
    const o = i * 3;
    rgb[o] = Math.round(rgb[o]! + (r - rgb[o]!) * alpha);
    rgb[o + 1] = Math.round(rgb[o + 1]! + (g - rgb[o + 1]!) * alpha);
    rgb[o + 2] = Math.round(rgb[o + 2]! + (b - rgb[o + 2]!) * alpha);
  }
}

function overlayDigest(overlay: ThumbnailOverlay): string {
  const hash = createHash('sha1');
  hash.update(JSON.stringify([overlay.gt, overlay.gtColor, overlay.pred, overlay.pred !== null ? overlay.predColor : null]));
  return hash.digest('hex').slice(0, 16);
}

export async function thumbnailExists(out: string): Promise<boolean> {
  try {
    await stat(out);
    return true;
  } catch {
    return false;
  }
}

/** Makes the file now (no cache check, no queue): callers schedule. Written under a temporary name and renamed, so readers never see half a file. */
export async function makeThumbnail(job: ThumbnailJob): Promise<string> {
  const { imageFile, crop, out, size, overlay } = job;
  // Read once: sharp would otherwise open and parse the file twice (size, then pixels).
  // Regular files only, size- and pixel-capped as for runs (a FIFO would hang the engine; a forged header cost gigabytes).
  const input = await readRegularFile(imageFile, 'image file', { maxBytes: MAX_IMAGE_FILE_BYTES });
  const meta = await sharp(input, { failOn: 'none', limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
  // Stored orientation, not EXIF-rotated: annotations refer to the stored pixels.
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width === 0 || height === 0) throw new Error(`${imageFile}: cannot read the image size`);
  const [cx, cy, side] = crop;
  const left = Math.round(cx);
  const top = Math.round(cy);
  const s = Math.max(1, Math.round(side));
  const scale = size / s;
  // Intersection of the crop square with the image, and where it lands in the thumbnail (whole
  // pixels); the rest is black padding. One pipeline: extract, resize, pad (sharp extends after
  // resizing), draw: one decode and one encode per thumbnail.
  const ix0 = Math.max(0, left);
  const iy0 = Math.max(0, top);
  const ix1 = Math.min(width, left + s);
  const iy1 = Math.min(height, top + s);
  const tx0 = Math.round((ix0 - left) * scale);
  const ty0 = Math.round((iy0 - top) * scale);
  const tx1 = Math.min(size, Math.round((ix1 - left) * scale));
  const ty1 = Math.min(size, Math.round((iy1 - top) * scale));
  let pipeline;
  let map: PixelMap;
  if (ix1 <= ix0 || iy1 <= iy0 || tx1 <= tx0 || ty1 <= ty0) {
    pipeline = sharp({ create: { width: size, height: size, channels: 3, background: '#000' } });
    map = { x0: -left * scale, y0: -top * scale, sx: scale, sy: scale };
  } else {
    pipeline = sharp(input, { failOn: 'none', limitInputPixels: MAX_IMAGE_PIXELS })
      .removeAlpha()
      .extract({ left: ix0, top: iy0, width: ix1 - ix0, height: iy1 - iy0 })
      .resize(tx1 - tx0, ty1 - ty0, { fit: 'fill' })
      .extend({ left: tx0, top: ty0, right: size - tx1, bottom: size - ty1, background: '#000' });
    // Pixel edges map exactly: image ix0 → tx0, ix1 → tx1 (the resize stretches by at most half a pixel).
    const sx = (tx1 - tx0) / (ix1 - ix0);
    const sy = (ty1 - ty0) / (iy1 - iy0);
    map = { x0: tx0 - ix0 * sx, y0: ty0 - iy0 * sy, sx, sy };
  }
  if (overlay !== null) {
    const pixels = await pipeline.raw().toBuffer();
    drawOverlay(pixels, size, map, overlay);
    pipeline = sharp(pixels, { raw: { width: size, height: size, channels: 3 } });
  }
  await mkdir(path.dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  // 4:4:4 chroma keeps the thin coloured bones crisp (4:2:0 halves their colour resolution). No
  // Huffman optimisation: a second pass over the data for a few hundred bytes of a 160 px thumbnail.
  await pipeline.jpeg({ quality: 82, optimiseCoding: false, ...(overlay !== null ? { chromaSubsampling: '4:4:4' } : {}) }).toFile(temp);
  await rename(temp, out);
  return out;
}
