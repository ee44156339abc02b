/**
 * Every field of a run's manifest (workbench/run-manifest.ts): what produced the variant's numbers —
 * the model file, the decoder in effect, the dataset and its GT revision, the code, the runtime and
 * the machine, the run's times and counts, and the latency distribution measured with it.
 */
import type { ReactNode } from 'react';
import type { RunManifestView } from '../../src-main/api/contract.ts';
import { fmtBytes, fmtMs, fmtTime } from '../shared/format.ts';

/** A long hash shown by its start; the whole in the tooltip (and copyable from it). */
function Short({ value, chars = 12 }: { value: string; chars?: number }) {
  return (
    <span className="mono" title={value}>
      {value.length > chars ? `${value.slice(0, chars)}…` : value}
    </span>
  );
}

const fmtNumbers = (values: readonly number[]) => values.map((v) => String(v)).join(', ');

/** Decoder options as "flipTest: true · heatmapRefine: dark". */
export function fmtDecoder(decoder: Readonly<Record<string, unknown>> | null): string {
  if (decoder === null) return '–';
  const entries = Object.entries(decoder).filter(([, value]) => value !== undefined);
  return entries.length === 0
    ? '(defaults)'
    : entries.map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`).join(' · ');
}

type Field = readonly [label: string, value: ReactNode];

/** The manifest's fields in four groups: the model as run, the data it was scored on, the software and machine, the run itself. */
function manifestGroups(m: RunManifestView): readonly (readonly [title: string, fields: readonly Field[]])[] {
  const model: Field[] = [
    [
      m.source.kind === 'model' ? 'Model file' : 'Prediction file',
      <span className="mono" title={m.source.path}>
        {m.source.file}
      </span>,
    ],
    ['Size', <span title={`${m.source.bytes} bytes`}>{fmtBytes(m.source.bytes)}</span>],
    ['SHA-256', <Short value={m.source.sha256} />],
  ];
  if (m.source.coordinateBase !== undefined) model.push(['Coordinate base', String(m.source.coordinateBase)]);
  model.push(
    ['Head type', m.head ?? '–'],
    ['Decoder options in effect', fmtDecoder(m.decoder)],
    ['Input size', m.input ? `${m.input.width}×${m.input.height}` : '–'],
    ['Colour order', m.input ? m.input.color.toUpperCase() : '–'],
    ['Mean', m.input ? fmtNumbers(m.input.mean) : '–'],
    ['Std', m.input ? fmtNumbers(m.input.std) : '–'],
    ['Keypoints', m.keypoints ? String(m.keypoints.length) : '–'],
  );
  const data: Field[] = [
    ['Protocol', m.protocol],
    ['Dataset root', <span className="mono">{m.dataset.root}</span>],
    ['Dataset fingerprint', <Short value={m.dataset.fingerprint} />],
    ['GT revision', String(m.dataset.gtRevision)],
    ['Persons', String(m.dataset.persons)],
  ];
  const software: Field[] = [
    [
      'posebench',
      <>
        {m.posebench.version}
        {m.posebench.commit !== null ? (
          <>
            {' · commit '}
            <Short value={m.posebench.commit} chars={10} />
          </>
        ) : (
          ' · commit unknown'
        )}
        {m.posebench.dirty ? ' (dirty)' : ''}
      </>,
    ],
    ['Code version', m.codeVersion === null ? '–' : String(m.codeVersion)],
    ['onnxruntime-node', m.runtime.onnxruntimeNode ?? '–'],
    ['Node.js', m.runtime.node],
    ['Intra/inter-op threads', `${m.runtime.intraOpNumThreads} / ${m.runtime.interOpNumThreads}`],
    ['CPU', m.machine.cpuModel],
    ['Cores', String(m.machine.cores)],
    ['OS', m.machine.os],
  ];
  const run: Field[] = [
    ['Started', <span title={m.startedAt}>{fmtTime(m.startedAt)}</span>],
    ['Finished', m.finishedAt === null ? 'not finished' : <span title={m.finishedAt}>{fmtTime(m.finishedAt)}</span>],
    ['Persons done', String(m.personsDone)],
    ['Persons failed', String(m.personsFailed)],
    [
      'Latency',
      m.latency !== null ? (
        `n = ${m.latency.n} (after ${m.latency.warmup} warm-up) · median ${fmtMs(m.latency.medianMs)} ms · p5 ${fmtMs(m.latency.p5Ms)} · p95 ${fmtMs(m.latency.p95Ms)} · IQR ${fmtMs(m.latency.iqrMs)} ms`
      ) : (
        <span className="neg-text">{m.latencyError ?? 'not measured'}</span>
      ),
    ],
    ['Run identity', <Short value={m.identityKey} />],
  ];
  return [
    ['Model', model],
    ['Dataset', data],
    ['Software and machine', software],
    ['Run', run],
  ];
}

export function ManifestList({ manifest }: { manifest: RunManifestView }) {
  return (
    <div className="manifest-groups" aria-label="Run manifest" role="group">
      {manifestGroups(manifest).map(([title, fields]) => (
        <div key={title} className="manifest-group">
          <h4>{title}</h4>
          <dl className="manifest">
            {fields.map(([label, value]) => (
              <div key={label} className="manifest-row">
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </div>
      ))}
    </div>
  );
}
