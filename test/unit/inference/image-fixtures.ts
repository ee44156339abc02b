/** Crafted test images and small helpers shared by the preprocessing tests. */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';

import { mulberry32 } from '../../../src-main/core/seeded-random.ts';

/** A seeded PRNG so crafted images are identical on every run. */
export const seededRandom = mulberry32;

/**
 * width×height RGB image with four regions: smooth gradients (top-left), an 8-px checkerboard
 * (top-right), hard-edged shapes with extreme values (bottom-left) and seeded uniform noise
 * (bottom-right). Each channel differs so channel mix-ups show.
 */
export function craftTestImage(width: number, height: number, seed = 12345): Uint8Array {
  const random = seededRandom(seed);
  const data = new Uint8Array(width * height * 3);
  const midX = Math.floor(width / 2);
  const midY = Math.floor(height / 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      let r: number;
      let g: number;
      let b: number;
      if (x < midX && y < midY) {
        r = Math.round((255 * x) / (midX - 1));
        g = Math.round((255 * y) / (midY - 1));
        b = Math.round((255 * (x + y)) / (midX + midY - 2));
      } else if (y < midY) {
        const on = (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0;
        r = on ? 255 : 0;
        g = on ? 0 : 255;
        b = on ? 200 : 30;
      } else if (x < midX) {
        const inDisc = (x - midX / 2) ** 2 + (y - (3 * height) / 4) ** 2 < (height / 6) ** 2;
        const stripe = x % 5 === 0 || y % 7 === 0;
        r = inDisc ? 255 : stripe ? 0 : 128;
        g = inDisc ? 1 : stripe ? 254 : 64;
        b = stripe ? 255 : inDisc ? 0 : 17;
      } else {
        r = Math.floor(random() * 256);
        g = Math.floor(random() * 256);
        b = Math.floor(random() * 256);
      }
      data[p] = r;
      data[p + 1] = g;
      data[p + 2] = b;
    }
  }
  return data;
}

export async function writeRgbPng(file: string, data: Uint8Array, width: number, height: number): Promise<void> {
  await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 3 } })
    .png()
    .toFile(file);
}

export interface RawRgb {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Decodes an image file to packed RGB uint8 (the brief's plain sharp decode). */
export async function readRgb(file: string): Promise<RawRgb> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`${file}: decoded to ${info.channels} channels`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

export async function readFloat32File(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer); // little-endian host (x86/arm64)
}

export interface ByteDiff {
  readonly maxAbs: number;
  /** Values (not pixels) differing by more than 1. */
  readonly overOne: number;
  readonly unequal: number;
  readonly total: number;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): ByteDiff {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxAbs = 0;
  let overOne = 0;
  let unequal = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > maxAbs) maxAbs = d;
    if (d > 1) overOne++;
    if (d !== 0) unequal++;
  }
  return { maxAbs, overOne, unequal, total: a.length };
}
