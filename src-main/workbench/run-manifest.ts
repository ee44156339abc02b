/**
 * A run's manifest (issue 11): everything needed to say where its numbers come from, stored with the
 * run, shown in Runs and printed by `eval --format json`. Written when the run is created and completed
 * when it ends (end time, persons done and failed, latency).
 */
import os from 'node:os';
import path from 'node:path';
import type { PckhProtocol } from '../core/types.ts';
import type { ModelInfo } from '../inference/runtime/model-inspect.ts';
import { SINGLE_THREAD_SESSION_OPTIONS } from '../inference/runtime/onnx-session.ts';
import type { DatasetRecord } from '../store/datasets-repo.ts';
import { posebenchVersion, type PosebenchVersion } from './posebench-version.ts';
import type { ModelRunIdentity, PredictionsRunIdentity } from './run-identity.ts';

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
  readonly input: { readonly width: number; readonly height: number; readonly color: string; readonly mean: readonly number[]; readonly std: readonly number[] } | null;
  readonly keypoints: readonly string[] | null;
  /** The protocol the run was first scored under (every view can rescore under the other). */
  readonly protocol: PckhProtocol;
  readonly dataset: { readonly root: string; readonly fingerprint: string; readonly gtRevision: number; readonly persons: number };
  readonly posebench: PosebenchVersion;
  readonly codeVersion: number | null;
  readonly runtime: { readonly onnxruntimeNode: string | null; readonly node: string; readonly intraOpNumThreads: number; readonly interOpNumThreads: number } ;
  readonly machine: { readonly cpuModel: string; readonly cores: number; readonly os: string };
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly personsDone: number;
  readonly personsFailed: number;
  /** The single-thread session.run latency measured for this run, or why it could not be. */
  readonly latency: ManifestLatency | null;
  readonly latencyError: string | null;
}

/** The machine a run or a latency figure was taken on. */
export function machineInfo(): RunManifest['machine'] {
  const cpus = os.cpus();
  return { cpuModel: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, os: `${os.type()} ${os.release()} (${process.platform}-${process.arch})` };
}

function datasetPart(dataset: DatasetRecord, gtRevision: number, persons: number): RunManifest['dataset'] {
  return { root: dataset.root, fingerprint: dataset.fingerprint, gtRevision, persons };
}

export function modelRunManifest(input: {
  readonly identity: ModelRunIdentity;
  readonly identityKey: string;
  readonly model: ModelInfo;
  readonly bytes: number;
  readonly protocol: PckhProtocol;
  readonly dataset: DatasetRecord;
  readonly gtRevision: number;
  readonly persons: number;
}): RunManifest {
  const { identity, model } = input;
  return {
    manifestVersion: 1,
    identityKey: input.identityKey,
    source: { kind: 'model', file: path.basename(model.file), path: model.file, bytes: input.bytes, sha256: identity.modelSha256 },
    head: identity.head,
    decoder: identity.decoder,
    input: identity.input,
    keypoints: identity.keypoints,
    protocol: input.protocol,
    dataset: datasetPart(input.dataset, input.gtRevision, input.persons),
    posebench: posebenchVersion(),
    codeVersion: identity.codeVersion,
    runtime: {
      onnxruntimeNode: identity.onnxruntimeNode,
      node: process.version,
      intraOpNumThreads: SINGLE_THREAD_SESSION_OPTIONS.intraOpNumThreads,
      interOpNumThreads: SINGLE_THREAD_SESSION_OPTIONS.interOpNumThreads,
    },
    machine: machineInfo(),
    startedAt: new Date().toISOString(),
    finishedAt: null,
    personsDone: 0,
    personsFailed: 0,
    latency: null,
    latencyError: null,
  };
}

export function predictionsRunManifest(input: {
  readonly identity: PredictionsRunIdentity;
  readonly identityKey: string;
  readonly file: string;
  readonly bytes: number;
  readonly protocol: PckhProtocol;
  readonly dataset: DatasetRecord;
  readonly gtRevision: number;
  readonly persons: number;
  readonly personsPredicted: number;
}): RunManifest {
  const now = new Date().toISOString();
  return {
    manifestVersion: 1,
    identityKey: input.identityKey,
    source: { kind: 'predictions', file: path.basename(input.file), path: input.file, bytes: input.bytes, sha256: input.identity.fileSha256, coordinateBase: input.identity.coordinateBase },
    head: null,
    decoder: null,
    input: null,
    keypoints: null,
    protocol: input.protocol,
    dataset: datasetPart(input.dataset, input.gtRevision, input.persons),
    posebench: posebenchVersion(),
    codeVersion: null,
    runtime: { onnxruntimeNode: null, node: process.version, intraOpNumThreads: 0, interOpNumThreads: 0 },
    machine: machineInfo(),
    startedAt: now,
    finishedAt: now,
    personsDone: input.personsPredicted,
    personsFailed: input.persons - input.personsPredicted,
    latency: null,
    latencyError: null,
  };
}

/** A stored manifest read back (null for runs made before manifests, or unreadable ones). */
export function manifestOf(stored: Readonly<Record<string, unknown>> | null): RunManifest | null {
  return stored !== null && stored['manifestVersion'] === 1 ? (stored as unknown as RunManifest) : null;
}
