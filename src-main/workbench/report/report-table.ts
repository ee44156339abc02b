/**
 * The report's tables as plain cells (text already formatted, best marked), shared by the markdown,
 * LaTeX and HTML renderers so they cannot disagree on rounding or on which value is best.
 *
 * Formatting is fixed (toFixed), never locale-dependent: the same model gives the same bytes.
 * "Best" is decided on the printed text, so values that print the same are all marked.
 */
import { MPII_TOOLKIT_COLUMNS, type MpiiToolkitColumn } from '../../evaluation/mpii-toolkit-columns.ts';
import { PCKH_METRIC_KEYS, type PckhMetricKey } from '../../evaluation/pckh.ts';
import type { ReportModel, ReportVariant } from './report-model.ts';

export type TableLayout = 'mpii' | 'mmpose';

export interface TableCell {
  readonly text: string;
  /** "[lo, hi]" with the same decimals, or null (no --ci, or no interval for this column). */
  readonly interval: string | null;
  readonly best: boolean;
}

export interface ReportTable {
  readonly title: string;
  /** First column header ("Variant" / "Joint"), then one per column. */
  readonly header: readonly string[];
  /** Which columns are numeric (right-aligned); the first column never is. */
  readonly numeric: readonly boolean[];
  readonly rows: readonly { readonly label: string; readonly cells: readonly TableCell[] }[];
}

/** genTablePCK prints %1.1f; mmpose's study tables 2 decimals. */
const DECIMALS: Record<TableLayout, number> = { mpii: 1, mmpose: 2 };

/** The interval behind each toolkit column: mmpose's column, the toolkit's own (Head, UBody), or none (AUC). */
const TOOLKIT_CI_COLUMN: Record<MpiiToolkitColumn, PckhMetricKey | 'toolkit' | null> = {
  Head: 'toolkit',
  Shoulder: 'Shoulder',
  Elbow: 'Elbow',
  Wrist: 'Wrist',
  Hip: 'Hip',
  Knee: 'Knee',
  Ankle: 'Ankle',
  UBody: 'toolkit',
  Total: 'PCKh',
  AUC: null,
};

const MMPOSE_LABELS: Record<PckhMetricKey, string> = {
  Head: 'Head',
  Shoulder: 'Shoulder',
  Elbow: 'Elbow',
  Wrist: 'Wrist',
  Hip: 'Hip',
  Knee: 'Knee',
  Ankle: 'Ankle',
  PCKh: 'Mean',
  'PCKh@0.1': 'Mean@0.1',
};

export function fixed(value: number | null, decimals: number): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const text = value.toFixed(decimals);
  // -0.00 → 0.00: a sign on a rounded zero is noise.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

function intervalText(ci: readonly [number | null, number | null] | undefined, decimals: number): string | null {
  if (ci === undefined || ci[0] === null || ci[1] === null) return null;
  return `[${fixed(ci[0], decimals)}, ${fixed(ci[1], decimals)}]`;
}

/** Median ms and its "(p5–p95)" spread (null when not stored), 2 decimals. */
export function latencyText(v: ReportVariant): { readonly median: string; readonly spread: string | null } {
  const l = v.latency;
  if (l === null) return { median: '—', spread: null };
  return { median: l.medianMs.toFixed(2), spread: l.p5Ms !== null && l.p95Ms !== null ? `(${l.p5Ms.toFixed(2)}–${l.p95Ms.toFixed(2)})` : null };
}

export function parametersText(v: ReportVariant): string {
  const n = v.parameters.count;
  if (n === null) return 'n/a';
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** Marks, per column, every cell whose printed value is the best (highest; lowest for latency). */
function markBest(texts: readonly string[], lowerIsBetter: boolean): boolean[] {
  const values = texts.map((t) => Number.parseFloat(t));
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return texts.map(() => false);
  const best = lowerIsBetter ? Math.min(...finite) : Math.max(...finite);
  return values.map((v) => v === best);
}

export function variantTable(model: ReportModel, layout: TableLayout): ReportTable {
  const d = DECIMALS[layout];
  const columns: { header: string; value: (v: ReportVariant) => number | null; ci: (v: ReportVariant) => string | null }[] =
    layout === 'mpii'
      ? MPII_TOOLKIT_COLUMNS.map((c) => ({
          header: c,
          value: (v) => v.toolkit[c],
          ci: (v) => {
            const key = TOOLKIT_CI_COLUMN[c];
            if (key === null) return null;
            if (key === 'toolkit') return c === 'Head' || c === 'UBody' ? intervalText(v.toolkitCi?.[c], d) : null;
            return intervalText(v.ci?.[key], d);
          },
        }))
      : PCKH_METRIC_KEYS.map((k) => ({ header: MMPOSE_LABELS[k], value: (v) => v.metrics[k], ci: (v) => intervalText(v.ci?.[k], d) }));

  const texts = columns.map((c) => model.variants.map((v) => fixed(c.value(v), d)));
  const best = texts.map((t) => markBest(t, false));
  const latency = model.variants.map(latencyText);
  const latencyBest = markBest(
    latency.map((l) => l.median),
    true,
  );
  const params = model.variants.map(parametersText);
  return {
    title: layout === 'mpii' ? `PCKh@0.5, MPII toolkit layout (${model.protocol})` : `PCKh@0.5, mmpose layout (${model.protocol})`,
    header: ['Variant', ...columns.map((c) => c.header), 'Latency ms (p5–p95)', 'Params'],
    numeric: [false, ...columns.map(() => true), true, true],
    rows: model.variants.map((v, i) => ({
      label: v.name,
      cells: [
        ...columns.map((c, k) => ({ text: texts[k]![i]!, interval: c.ci(v), best: best[k]![i]! })),
        // The spread rides in the interval slot: printed after the median, never bold.
        { text: latency[i]!.median, interval: latency[i]!.spread, best: latencyBest[i]! },
        { text: params[i]!, interval: null, best: false },
      ],
    })),
  };
}

/** Rows = the 16 joints, columns = variants; PCKh@0.5 with 2 decimals, best per row. */
export function jointTable(model: ReportModel): ReportTable {
  const rows = (model.variants[0]?.perJoint ?? []).map((joint, j) => {
    const texts = model.variants.map((v) => fixed(v.perJoint[j]?.pckh ?? null, 2));
    const best = markBest(texts, false);
    return {
      label: joint.name,
      cells: model.variants.map((v, i) => ({ text: texts[i]!, interval: intervalText(v.ci?.[joint.name], 2), best: best[i]! })),
    };
  });
  return {
    title: `PCKh@0.5 per joint (${model.protocol})`,
    header: ['Joint', ...model.variants.map((v) => v.name)],
    numeric: [false, ...model.variants.map(() => true)],
    rows,
  };
}
