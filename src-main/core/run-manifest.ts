/**
 * A run's manifest: where its numbers come from (issue 11). Written by the workbench
 * (workbench/run-manifest.ts), stored with every run, printed by `eval --format json` and shown in
 * Runs (the API contract re-exports it), so every host describes a run with the same fields.
 */
import type { PckhProtocol } from './types.ts';

export interface ManifestSource {
  readonly kind: 'model' | 'predictions';
  /** File name (no folders) and the full path it was read from. */
  readonly file: string;
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Imported predictions only: 0- or 1-based coordinates in the file. */
  readonly coordinateBase?: 0 | 1;
}

export interface ManifestLatency {
  readonly n: number;
  readonly warmup: number;
  readonly medianMs: number;
  readonly p5Ms: number;
  readonly p95Ms: number;
  readonly iqrMs: number;
}

export interface RunManifest {
  readonly manifestVersion: 1;
  readonly identityKey: string;
  readonly source: ManifestSource;
  /** Model runs only (null for imported predictions). */
  readonly head: string | null;
  readonly decoder: Readonly<Record<string, unknown>> | null;
  readonly input: {
    readonly width: number;
    readonly height: number;
    readonly color: string;
    readonly mean: readonly number[];
    readonly std: readonly number[];
  } | null;
  readonly keypoints: readonly string[] | null;
  /** The protocol the run was first scored under (every view can rescore under the other). */
  readonly protocol: PckhProtocol;
  readonly dataset: { readonly root: string; readonly fingerprint: string; readonly gtRevision: number; readonly persons: number };
  readonly posebench: { readonly version: string; readonly commit: string | null; readonly dirty: boolean | null };
  readonly codeVersion: number | null;
  readonly runtime: { readonly onnxruntimeNode: string | null; readonly node: string; readonly intraOpNumThreads: number; readonly interOpNumThreads: number };
  readonly machine: { readonly cpuModel: string; readonly cores: number; readonly os: string };
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly personsDone: number;
  readonly personsFailed: number;
  /** The single-thread session.run latency measured for this run, or why it could not be. */
  readonly latency: ManifestLatency | null;
  readonly latencyError: string | null;
}
