/**
 * Rename, Hide/Show, Edit options and Remove… for one variant. Remove asks in the page (not
 * window.confirm, which a desktop shell or a test cannot style or read) and names what goes.
 */
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { DecoderOptionsRequest, VariantDetails } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { DecoderOptionsFields, draftFromOptions, optionsFromDraft, type DecoderOptionsDraft } from './DecoderOptionsFields.tsx';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "Remove X with 3 runs, 600 stored predictions and 2 latency measurements? The model file is not touched." */
export function removalQuestion(details: VariantDetails): string {
  const { runs, predictions, latencyMeasurements } = details.removes;
  const file = details.variant.kind === 'model' ? 'model file' : 'prediction file';
  return `Remove ${details.variant.name} with ${plural(runs, 'run')}, ${plural(predictions, 'stored prediction')} and ${plural(latencyMeasurements, 'latency measurement')}? The ${file} is not touched.`;
}

type Mode = 'idle' | 'rename' | 'options' | 'remove';

export function VariantManagement({
  details,
  onRemoving,
  onRemoved,
}: {
  details: VariantDetails;
  /** Called with true when the removal is sent (false again if it fails). */
  onRemoving: (removing: boolean) => void;
  onRemoved: (message: string) => void;
}) {
  const client = useQueryClient();
  const variant = details.variant;
  const [mode, setMode] = useState<Mode>('idle');
  const [name, setName] = useState(variant.name);
  const [draft, setDraft] = useState<DecoderOptionsDraft>(() => draftFromOptions(details.decoderOptions));
  const refresh = () => void client.invalidateQueries();
  const done = () => {
    setMode('idle');
    refresh();
  };
  const rename = useMutation({
    mutationFn: (newName: string) => getBridge().invoke('variants:rename', { variantId: variant.id, name: newName }),
    onSuccess: done,
  });
  const setHidden = useMutation({
    mutationFn: (hidden: boolean) => getBridge().invoke('variants:setHidden', { variantId: variant.id, hidden }),
    onSuccess: refresh,
  });
  const setOptions = useMutation({
    mutationFn: (decoderOptions: DecoderOptionsRequest) => getBridge().invoke('variants:setOptions', { variantId: variant.id, decoderOptions }),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => getBridge().invoke('variants:remove', { variantId: variant.id }),
    onMutate: () => onRemoving(true),
    onError: () => onRemoving(false),
    onSuccess: (result) => {
      onRemoved(result.message);
      refresh();
    },
  });
  const parsed = optionsFromDraft(draft);
  const busy = variant.status === 'running';
  const error = rename.error ?? setHidden.error ?? setOptions.error ?? remove.error;

  return (
    <div className="variant-management">
      <div className="toolbar" role="toolbar" aria-label={`Manage ${variant.name}`} style={{ marginBottom: 6 }}>
        <button
          type="button"
          aria-pressed={mode === 'rename'}
          onClick={() => {
            setName(variant.name);
            setMode(mode === 'rename' ? 'idle' : 'rename');
          }}
        >
          Rename
        </button>
        <button
          type="button"
          disabled={setHidden.isPending}
          onClick={() => setHidden.mutate(!variant.hidden)}
          title={variant.hidden ? 'List it in every table, chart and filter again' : 'Leave it out of every table, chart and filter (its results are kept)'}
        >
          {variant.hidden ? 'Show' : 'Hide'}
        </button>
        {variant.kind === 'model' ? (
          <button
            type="button"
            aria-pressed={mode === 'options'}
            disabled={busy}
            onClick={() => {
              setDraft(draftFromOptions(details.decoderOptions));
              setMode(mode === 'options' ? 'idle' : 'options');
            }}
          >
            Edit options
          </button>
        ) : null}
        <button
          type="button"
          className="danger"
          disabled={busy}
          aria-pressed={mode === 'remove'}
          onClick={() => setMode(mode === 'remove' ? 'idle' : 'remove')}
        >
          Remove…
        </button>
        {busy ? <span className="muted">running: cancel its run to change its options or remove it</span> : null}
      </div>

      {mode === 'rename' ? (
        <form
          className="toolbar inline-edit"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim() !== '') rename.mutate(name.trim());
          }}
        >
          <input
            type="text"
            aria-label={`New name for ${variant.name}`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoFocus
            style={{ flex: '0 1 320px', minWidth: 0 }}
          />
          <button type="submit" className="primary" disabled={name.trim() === '' || rename.isPending}>
            Save name
          </button>
          <button type="button" onClick={() => setMode('idle')}>
            Cancel
          </button>
        </form>
      ) : null}

      {mode === 'options' ? (
        <form
          className="inline-edit"
          onSubmit={(e) => {
            e.preventDefault();
            if (parsed.options !== null) setOptions.mutate(parsed.options);
          }}
        >
          <DecoderOptionsFields draft={draft} onChange={setDraft} sidecar={details.sidecarDecoder} idPrefix={`options-${variant.id}`} />
          <div className="toolbar" style={{ marginBottom: 0 }}>
            <button type="submit" className="primary" disabled={parsed.error !== null || setOptions.isPending}>
              Save options
            </button>
            <button type="button" onClick={() => setMode('idle')}>
              Cancel
            </button>
            <span className="muted">new options are a new run identity: its numbers stay until it is run again</span>
          </div>
          {parsed.error !== null ? <div className="error-box">{parsed.error}</div> : null}
        </form>
      ) : null}

      {mode === 'remove' ? (
        <div
          className="confirm"
          role="alertdialog"
          aria-label={`Remove ${variant.name}?`}
          aria-describedby={`remove-question-${variant.id}`}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setMode('idle');
          }}
        >
          <p id={`remove-question-${variant.id}`}>{removalQuestion(details)}</p>
          <div className="toolbar" style={{ marginBottom: 0 }}>
            <button type="button" className="danger" disabled={remove.isPending} onClick={() => remove.mutate()} autoFocus>
              Remove {variant.name}
            </button>
            <button type="button" onClick={() => setMode('idle')}>
              Keep it
            </button>
          </div>
        </div>
      ) : null}

      {error ? <div className="error-box">{error.message}</div> : null}
    </div>
  );
}
