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
import type { RunManifest } from '../core/run-manifest.ts';

export type { ManifestLatency, ManifestSource, RunManifest } from '../core/run-manifest.ts';
import { posebenchVersion } from './posebench-version.ts';
import type { ModelRunIdentity, PredictionsRunIdentity } from './run-identity.ts';

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
    source: {
      kind: 'predictions',
      file: path.basename(input.file),
      path: input.file,
      bytes: input.bytes,
      sha256: input.identity.fileSha256,
      coordinateBase: input.identity.coordinateBase,
    },
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
