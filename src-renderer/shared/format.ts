export const fmtPct = (value: number | null | undefined): string => (value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(2));

export const fmtMs = (value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value) ? '–' : value < 10 ? value.toFixed(2) : value.toFixed(1);

export const fmtDelta = (value: number): string => (value > 0 ? `+${value.toFixed(2)}` : value.toFixed(2));

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

/** The latency fields every view shows (MetricsRow, CompareRow, VariantSummary, history items all carry them). */
export interface LatencySpread {
  readonly medianMs: number;
  readonly p5Ms: number | null;
  readonly p25Ms: number | null;
  readonly p75Ms: number | null;
  readonly p95Ms: number;
  readonly n: number;
}

/**
 * The median with half the p5–p95 range, e.g. "6.10 ±0.40": compact enough for a table column and
 * enough to see whether two medians differ by more than their noise. A figure carried over from a
 * workspace without distributions (no p5) shows the median alone.
 */
export function fmtLatency(latency: LatencySpread | null | undefined): string {
  if (latency === null || latency === undefined) return '–';
  if (latency.p5Ms === null) return fmtMs(latency.medianMs);
  return `${fmtMs(latency.medianMs)} ±${fmtMs((latency.p95Ms - latency.p5Ms) / 2)}`;
}

/** "6.10 ms median, p5–p95 5.80–6.60 ms, IQR 0.30 ms, n = 50 single-thread session.run timings". */
export function describeLatency(latency: LatencySpread | null | undefined): string {
  if (latency === null || latency === undefined) return 'no latency measured';
  if (latency.p5Ms === null || latency.n === 0) {
    return `${fmtMs(latency.medianMs)} ms median, p95 ${fmtMs(latency.p95Ms)} ms (a single figure kept from an older workspace: no distribution)`;
  }
  const iqr = latency.p25Ms !== null && latency.p75Ms !== null ? `, IQR ${fmtMs(latency.p75Ms - latency.p25Ms)} ms` : '';
  return `${fmtMs(latency.medianMs)} ms median, p5–p95 ${fmtMs(latency.p5Ms)}–${fmtMs(latency.p95Ms)} ms${iqr}, n = ${latency.n} single-thread session.run timings`;
}

/** ISO time as the user's local "YYYY-MM-DD HH:MM:SS" (the full ISO string goes in a title). */
export function fmtTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '–';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
