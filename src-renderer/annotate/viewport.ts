/** Zoom/pan state of an image viewer: screen = image * scale + (tx, ty). */
export interface Viewport {
  readonly scale: number;
  readonly tx: number;
  readonly ty: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 40;

/** Fits the square [x0, y0, side] into a width×height box, centred. */
export function fitBox(box: readonly [number, number, number], width: number, height: number): Viewport {
  const [x0, y0, side] = box;
  const scale = clampScale(Math.min(width, height) / Math.max(1, side));
  return { scale, tx: width / 2 - (x0 + side / 2) * scale, ty: height / 2 - (y0 + side / 2) * scale };
}

/** Zooms by `factor` keeping the image point under (sx, sy) fixed. */
export function zoomAt(view: Viewport, factor: number, sx: number, sy: number): Viewport {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, tx: sx - (sx - view.tx) * k, ty: sy - (sy - view.ty) * k };
}

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}
