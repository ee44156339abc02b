/** Variant colours: distinct on the dark background, colour-blind-friendly order (Okabe–Ito-like). */
export const VARIANT_COLORS = ['#56b4e9', '#e69f00', '#cc79a7', '#009e73', '#f0e442', '#d55e00', '#0072b2', '#a6a6ff'] as const;
export const GT_COLOR = '#f5f5f5';
export const MISS_COLOR = '#ff5a5a';
export const HIT_COLOR = '#5ad17a';

export function variantColor(index: number): string {
  return VARIANT_COLORS[((index % VARIANT_COLORS.length) + VARIANT_COLORS.length) % VARIANT_COLORS.length]!;
}
