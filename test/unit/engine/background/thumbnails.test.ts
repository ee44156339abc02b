/**
 * Thumbnails with the skeletons drawn in (Browse, issue 5): real JPEGs written and read back with
 * sharp. Expected pixel positions are worked out by hand: a joint at image (x, y) lands at
 * ((x - x0) * size / side, (y - y0) * size / side) in the thumbnail of crop [x0, y0, side].
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { mediaKey, parseMediaKey } from '../../../../src-main/api/contract.ts';
import type { PersonAnnotation, Point2 } from '../../../../src-main/core/types.ts';
import { makeThumbnail, thumbnailOverlayFor, thumbnailPath, type ThumbnailOverlay } from '../../../../src-main/engine/background/thumbnails/thumbnails.ts';
import type { VariantState } from '../../../../src-main/engine/view-model.ts';

const J = 16;
const dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-thumbs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Joints all missing except the ones given (MPII_SKELETON has [6,7] pelvis–thorax and [8,9] neck–head top). */
function joints(set: Record<number, Point2>): (Point2 | null)[] {
  return Array.from({ length: J }, (_, j) => set[j] ?? null);
}

async function grayImage(name: string, width: number, height: number): Promise<string> {
  const file = path.join(dir, name);
  await sharp({ create: { width, height, channels: 3, background: { r: 64, g: 64, b: 64 } } })
    .jpeg({ quality: 95 })
    .toFile(file);
  return file;
}

async function pixels(file: string): Promise<(x: number, y: number) => [number, number, number]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  return (x, y) => {
    const o = (y * info.width + x) * info.channels;
    return [data[o]!, data[o + 1]!, data[o + 2]!];
  };
}

describe('thumbnail media keys with an overlay', () => {
  it('round-trip the overlay, and the plain key stays as it was', () => {
    const key = mediaKey.thumb('d1-ab', 12, 160, { gtColor: 'f5f5f5', variantId: 'v/3 x', predColor: 'e69f00', rev: 'abc123' });
    expect(parseMediaKey(key)).toEqual({
      kind: 'thumb',
      datasetId: 'd1-ab',
      index: 12,
      size: 160,
      overlay: { gtColor: 'f5f5f5', variantId: 'v/3 x', predColor: 'e69f00', rev: 'abc123' },
    });
    const gtOnly = parseMediaKey(mediaKey.thumb('d1', 0, 96, { gtColor: 'ffffff', variantId: null, predColor: null, rev: 'z' }));
    expect(gtOnly).toEqual({ kind: 'thumb', datasetId: 'd1', index: 0, size: 96, overlay: { gtColor: 'ffffff', variantId: null, predColor: null, rev: 'z' } });
    expect(parseMediaKey(mediaKey.thumb('d1', 3, 160))).toEqual({ kind: 'thumb', datasetId: 'd1', index: 3, size: 160 });
  });

  it('rejects colours that are not 6 hex digits, a missing or odd rev, and an empty variant id', () => {
    expect(parseMediaKey('thumb/d1/1/160/' + encodeURIComponent('gt=fff&rev=1'))).toBeNull();
    expect(parseMediaKey('thumb/d1/1/160/' + encodeURIComponent('gt=ffffff&rev=1&pred=red"/>'))).toBeNull();
    expect(parseMediaKey('thumb/d1/1/160/' + encodeURIComponent('gt=ffffff'))).toBeNull();
    expect(parseMediaKey('thumb/d1/1/160/' + encodeURIComponent('gt=ffffff&rev=a.b'))).toBeNull();
    expect(parseMediaKey('thumb/d1/1/160/' + encodeURIComponent('gt=ffffff&rev=1&v='))).toBeNull();
    expect(parseMediaKey('thumb/d1/1/160/%E0%A4%A')).toBeNull();
  });
});

describe('thumbnails with the skeletons drawn in', () => {
  it('draws the GT bone and the prediction bone where the joints are, in their colours, on the crop', async () => {
    const image = await grayImage('a.jpg', 300, 240);
    // Crop [50, 40, 200] → 100 px: scale 0.5, offset (50, 40).
    // Lines are ≈0.9 px wide here: each bone runs through pixel centres (n + 0.5) so one pixel is covered.
    // GT pelvis–thorax (6–7) vertical at image x = 151, y 60..220 → thumbnail x = 50.5, y 10..90.
    // Prediction neck–head top (8–9) horizontal at image y = 141, x 70..230 → thumbnail y = 50.5, x 10..90.
    const overlay: ThumbnailOverlay = {
      gt: joints({ 6: [151, 220], 7: [151, 60] }),
      gtColor: '#ffffff',
      pred: joints({ 8: [70, 141], 9: [230, 141] }),
      predColor: '#ff0000',
    };
    const out = thumbnailPath(dir, 'd1', 0, 100, overlay);
    await makeThumbnail({ imageFile: image, crop: [50, 40, 200], out, size: 100, overlay });
    const at = await pixels(out);
    const [gr, gg, gb] = at(50, 25); // on the GT bone only
    expect(Math.min(gr, gg, gb)).toBeGreaterThan(200);
    const [pr, pg, pb] = at(25, 50); // on the prediction bone only
    expect(pr).toBeGreaterThan(180);
    expect(Math.max(pg, pb)).toBeLessThan(110);
    for (const [x, y] of [
      [10, 10],
      [90, 20],
      [20, 85],
      [57, 25],
      [25, 57],
    ] as const) {
      // away from both bones (the line is side/110 ≈ 1.8 image px ≈ 0.9 thumbnail px wide): the gray image
      for (const channel of at(x, y)) expect(Math.abs(channel - 64)).toBeLessThan(16);
    }
  });

  it('draws at the crop offset where the crop leaves the image (black padding)', async () => {
    const image = await grayImage('b.jpg', 100, 100);
    // Crop [-50, 0, 100] → 100 px at scale 1: image x = 0 is thumbnail x = 50; left half is padding.
    const overlay: ThumbnailOverlay = { gt: joints({ 6: [20.5, 90], 7: [20.5, 10] }), gtColor: '#00ff00', pred: null, predColor: '#ff0000' };
    const out = thumbnailPath(dir, 'd1', 1, 100, overlay);
    await makeThumbnail({ imageFile: image, crop: [-50, 0, 100], out, size: 100, overlay });
    const at = await pixels(out);
    const [r, g, b] = at(70, 50); // image x 20.5 → thumbnail x 70.5
    expect(g).toBeGreaterThan(180);
    expect(Math.max(r, b)).toBeLessThan(110);
    for (const channel of at(20, 50)) expect(channel).toBeLessThan(16); // padding stays black
    for (const channel of at(90, 50)) expect(Math.abs(channel - 64)).toBeLessThan(16);
  });

  it('names the cached file after what is drawn: an edited joint or another colour is another file', async () => {
    const base: ThumbnailOverlay = { gt: joints({ 6: [1, 2], 7: [3, 4] }), gtColor: '#ffffff', pred: null, predColor: '#ff0000' };
    const a = thumbnailPath(dir, 'd1', 5, 160, base);
    expect(thumbnailPath(dir, 'd1', 5, 160, { ...base })).toBe(a);
    expect(thumbnailPath(dir, 'd1', 5, 160, { ...base, gt: joints({ 6: [1, 2], 7: [3, 4.5] }) })).not.toBe(a);
    expect(thumbnailPath(dir, 'd1', 5, 160, { ...base, gtColor: '#fefefe' })).not.toBe(a);
    expect(thumbnailPath(dir, 'd1', 5, 160, { ...base, pred: joints({ 8: [0, 0], 9: [1, 1] }) })).not.toBe(a);
    // Without a prediction its colour draws nothing, so it does not change the file.
    expect(thumbnailPath(dir, 'd1', 5, 160, { ...base, predColor: '#00ff00' })).toBe(a);
    expect(path.basename(thumbnailPath(dir, 'd1', 5, 160))).toBe('5.jpg');

    const image = await grayImage('c.jpg', 64, 64);
    // Made under that name (the queue's "does not make a file that exists" test covers reuse).
    const out = await makeThumbnail({ imageFile: image, crop: [0, 0, 64], out: a, size: 160, overlay: base });
    expect(out).toBe(a);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('takes the prediction of the asked instance from the variant, NaN as not predicted', () => {
    const predictions = new Float32Array(2 * J * 2).fill(Number.NaN);
    predictions[(1 * J + 8) * 2] = 11;
    predictions[(1 * J + 8) * 2 + 1] = 12;
    predictions[(1 * J + 9) * 2] = 13; // y stays NaN: the joint is not predicted
    const variant = { predictions } as unknown as VariantState;
    const person = { joints: joints({ 0: [5, 6] }) } as unknown as PersonAnnotation;
    const overlay = thumbnailOverlayFor(person, 1, { gtColor: 'f5f5f5', variantId: 'v1', predColor: '56b4e9', rev: 'x' }, variant);
    expect(overlay.gtColor).toBe('#f5f5f5');
    expect(overlay.predColor).toBe('#56b4e9');
    expect(overlay.gt[0]).toEqual([5, 6]);
    expect(overlay.pred?.[8]).toEqual([11, 12]);
    expect(overlay.pred?.[9]).toBeNull();
    expect(overlay.pred?.filter((p) => p !== null)).toHaveLength(1);
    expect(thumbnailOverlayFor(person, 1, { gtColor: 'f5f5f5', variantId: null, predColor: null, rev: 'x' }, null).pred).toBeNull();
  });
});
