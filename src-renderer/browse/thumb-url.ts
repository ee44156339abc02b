/**
 * URLs of Browse's thumbnails: the engine draws the GT (and the chosen variant's) skeleton into the
 * cached JPEG, so a grid cell is one `<img>` (issue 5: no SVG per cell while scrolling).
 * `rev` digests the coordinates the UI was given, so an edited GT or a re-run variant changes the
 * URL and the browser's cache never shows an old picture; the engine itself draws from its own data.
 */
import { mediaKey, type InstanceBrief, type ThumbOverlaySpec } from '../../src-main/api/contract.ts';

export interface ThumbOverlayStyle {
  /** '#rrggbb' */
  readonly gtColor: string;
  /** The variant whose prediction is drawn, or null for GT only. */
  readonly variantId: string | null;
  /** '#rrggbb' */
  readonly predColor: string;
}

/** FNV-1a (32 bit) of the numbers, base 36: a short cache-busting token, not a security digest. */
export function coordinatesRev(gt: readonly (number | null)[], pred: readonly (number | null)[] | null): string {
  let hash = 0x811c9dc5;
  const text = `${gt.join(',')}|${pred === null ? '' : pred.join(',')}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(36);
}

export function thumbMediaKey(datasetId: string, item: InstanceBrief, size: number, style: ThumbOverlayStyle): string {
  const pred = style.variantId !== null ? item.pred : null;
  const spec: ThumbOverlaySpec = {
    gtColor: style.gtColor.replace('#', ''),
    variantId: style.variantId,
    predColor: style.variantId !== null ? style.predColor.replace('#', '') : null,
    rev: coordinatesRev(item.gt, pred),
  };
  return mediaKey.thumb(datasetId, item.instanceIndex, size, spec);
}
