/**
 * A tiny RGB software rasteriser for the demo images (no canvas dependency). Shapes are filled with
 * a texture callback so limbs, occluders and background clutter are not flat colours.
 * Shapes are given in 0-based pixel coordinates where an integer coordinate is a pixel centre (the
 * convention of the spec header), and a pixel is painted when its centre lies inside the shape.
 */
import type { Rgb } from './marker-colors.ts';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** Interleaved RGB, row-major. */
  readonly data: Uint8Array;
}

/** Returns a colour for pixel (x, y); `u`/`v` are shape-local coordinates (along/across). */
export type Texture = (x: number, y: number, u: number, v: number) => Rgb;

export function createImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3) };
}

function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

export function setPixel(image: RgbImage, x: number, y: number, color: Rgb): void {
  const i = (y * image.width + x) * 3;
  image.data[i] = clampByte(color[0]);
  image.data[i + 1] = clampByte(color[1]);
  image.data[i + 2] = clampByte(color[2]);
}

interface PixelBounds {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function bounds(image: RgbImage, minX: number, minY: number, maxX: number, maxY: number): PixelBounds {
  return {
    x0: Math.max(0, Math.floor(minX)),
    x1: Math.min(image.width - 1, Math.ceil(maxX)),
    y0: Math.max(0, Math.floor(minY)),
    y1: Math.min(image.height - 1, Math.ceil(maxY)),
  };
}

/** Fills every pixel with the texture (u = x, v = y). */
export function fillAll(image: RgbImage, texture: Texture): void {
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) setPixel(image, x, y, texture(x, y, x, y));
  }
}

/** Thick line segment with round caps; u = distance along a→b, v = signed distance across. */
export function fillCapsule(image: RgbImage, ax: number, ay: number, bx: number, by: number, radius: number, texture: Texture): void {
  const dx = bx - ax;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  const length = Math.sqrt(lengthSq);
  const b = bounds(image, Math.min(ax, bx) - radius, Math.min(ay, by) - radius, Math.max(ax, bx) + radius, Math.max(ay, by) + radius);
  const r2 = radius * radius;
  for (let y = b.y0; y <= b.y1; y++) {
    for (let x = b.x0; x <= b.x1; x++) {
      const px = x - ax;
      const py = y - ay;
      const t = lengthSq > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / lengthSq)) : 0;
      const ex = px - t * dx;
      const ey = py - t * dy;
      if (ex * ex + ey * ey > r2) continue;
      const across = length > 0 ? (px * dy - py * dx) / length : 0;
      setPixel(image, x, y, texture(x, y, t * length, across));
    }
  }
}

/** Filled ellipse with radii (rx, ry) rotated by `angle`; u, v are the rotated offsets. */
export function fillEllipse(image: RgbImage, cx: number, cy: number, rx: number, ry: number, angle: number, texture: Texture): void {
  const r = Math.max(rx, ry);
  const b = bounds(image, cx - r, cy - r, cx + r, cy + r);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  for (let y = b.y0; y <= b.y1; y++) {
    for (let x = b.x0; x <= b.x1; x++) {
      const u = (x - cx) * cos + (y - cy) * sin;
      const v = -(x - cx) * sin + (y - cy) * cos;
      if ((u * u) / (rx * rx) + (v * v) / (ry * ry) > 1) continue;
      setPixel(image, x, y, texture(x, y, u, v));
    }
  }
}

export function fillDisc(image: RgbImage, cx: number, cy: number, radius: number, texture: Texture): void {
  fillEllipse(image, cx, cy, radius, radius, 0, texture);
}

/** Axis-aligned rectangle [x0, x1] × [y0, y1] (inclusive pixel-centre bounds). */
export function fillRect(image: RgbImage, x0: number, y0: number, x1: number, y1: number, texture: Texture): void {
  const b = bounds(image, x0, y0, x1, y1);
  for (let y = b.y0; y <= b.y1; y++) {
    for (let x = b.x0; x <= b.x1; x++) {
      if (x < x0 || x > x1 || y < y0 || y > y1) continue;
      setPixel(image, x, y, texture(x, y, x - x0, y - y0));
    }
  }
}

export function solid(color: Rgb): Texture {
  return () => color;
}
