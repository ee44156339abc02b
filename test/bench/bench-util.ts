/**
 * Shared pieces of the benchmark harness (`npm run bench`): stderr logging (stdout carries only the
 * final JSON document), goal records, summary statistics, temporary folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HAS_SHARED } from '../support/shared-fixtures.ts';

/**
 * Whether to use ../shared. POSEBENCH_BENCH_NO_SHARED=1 forces the no-../shared fallbacks, so that
 * path of the harness can be checked on a machine that has ../shared.
 */
export const USE_SHARED = HAS_SHARED && process.env['POSEBENCH_BENCH_NO_SHARED'] !== '1';

export interface Goal {
  readonly name: string;
  readonly value: number | null;
  readonly unit: string;
  /** The value must be at most `limit` (every goal of this project is an upper bound). */
  readonly limit: number;
  /** null when the value could not be measured (skipped). */
  readonly met: boolean | null;
  readonly note?: string;
}

export interface BenchOptions {
  /** Smaller run counts, for a quick look (not for numbers worth quoting). */
  readonly quick: boolean;
  /** qc only: the injected-error goals are means over seeds 1..seeds (default 30, 5 with --quick). */
  readonly seeds?: number;
}

/** Progress and notes: stderr only, so stdout stays one JSON document. */
export function note(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** `tolerance`: measurement jitter allowed above the limit when deciding `met` (said in the note). */
export function goal(name: string, value: number | null, unit: string, limit: number, extra: { note?: string; tolerance?: number } = {}): Goal {
  const measured = value !== null && Number.isFinite(value);
  return {
    name,
    value: measured ? round(value) : null,
    unit,
    limit,
    met: measured ? value <= limit + (extra.tolerance ?? 0) : null,
    ...(extra.note !== undefined ? { note: extra.note } : {}),
  };
}

/** Rounds for the report (3 decimals is well below any timer resolution that matters here). */
export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export interface Stats {
  readonly n: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
  readonly minMs: number;
}

/** Median (mean of the middle two for even n), p95 by nearest rank. */
export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n, medianMs: Number.NaN, p95Ms: Number.NaN, maxMs: Number.NaN, meanMs: Number.NaN, minMs: Number.NaN };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const p95 = sorted[Math.min(n - 1, Math.ceil(0.95 * n) - 1)]!;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  return { n, medianMs: round(median), p95Ms: round(p95), maxMs: round(sorted[n - 1]!), meanMs: round(mean), minMs: round(sorted[0]!) };
}

/** A fresh temporary folder and its cleanup (cleanup never throws). */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `posebench-bench-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
