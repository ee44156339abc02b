/**
 * Performance marks for later benchmarks (issue 5): `window.__posebenchPerf` collects named
 * durations, e.g. how long the metrics view took to render after its data arrived.
 */
interface PerfRecord {
  readonly name: string;
  readonly ms: number;
  readonly at: number;
}

declare global {
  interface Window {
    __posebenchPerf?: { records: PerfRecord[]; mark(name: string, ms: number): void };
  }
}

export function perfMark(name: string, ms: number): void {
  if (typeof window === 'undefined') return;
  if (window.__posebenchPerf === undefined) {
    const records: PerfRecord[] = [];
    window.__posebenchPerf = { records, mark: (n, m) => records.push({ name: n, ms: m, at: performance.now() }) };
  }
  window.__posebenchPerf.mark(name, ms);
  if (window.__posebenchPerf.records.length > 500) window.__posebenchPerf.records.splice(0, 250);
}
