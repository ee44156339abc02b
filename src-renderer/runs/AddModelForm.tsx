/**
 * Add model: the .onnx path, an optional name and decoder options over the sidecar's. The engine
 * answers whether it listed a new variant or found this model with these options already listed;
 * its message is shown either way (never a plain "Added" for a model that was not added).
 */
import { useState } from 'react';
import { useClearedError } from './PathForms.tsx';
import { useMutation } from '@tanstack/react-query';
import type { AddModelResult } from '../../src-main/api/contract.ts';
import { getBridge } from '../bridge/index.ts';
import { DecoderOptionsFields, EMPTY_OPTIONS_DRAFT, optionsFromDraft, type DecoderOptionsDraft } from './DecoderOptionsFields.tsx';

export function AddModelForm({ onDone, clearErrors }: { onDone: (result: AddModelResult) => void; clearErrors: number }) {
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<DecoderOptionsDraft>(EMPTY_OPTIONS_DRAFT);
  const parsed = optionsFromDraft(draft);
  const add = useMutation({
    mutationFn: () =>
      getBridge().invoke('variants:addModel', {
        modelPath: path,
        ...(name.trim() !== '' ? { name: name.trim() } : {}),
        ...(parsed.options !== null && Object.keys(parsed.options).length > 0 ? { decoderOptions: parsed.options } : {}),
      }),
    onSuccess: onDone,
  });
  useClearedError(add, clearErrors);
  const result = add.data;
  return (
    <section className="panel" aria-labelledby="add-model-title">
      <h2 id="add-model-title">Add model</h2>
      <form
        className="add-model-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (path && parsed.error === null) add.mutate();
        }}
      >
        <div className="form-grid">
          <label htmlFor="add-model-path">Model file</label>
          <input
            id="add-model-path"
            type="text"
            aria-label="Model file (.onnx)"
            placeholder="/path/to/model.onnx"
            value={path}
            onChange={(e) => setPath(e.target.value)}
          />
          <label htmlFor="add-model-name">Name</label>
          <input
            id="add-model-name"
            type="text"
            aria-label="Name"
            placeholder="default: from the file name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            style={{ maxWidth: 320 }}
          />
        </div>
        <DecoderOptionsFields draft={draft} onChange={setDraft} idPrefix="add-model" />
        <div className="toolbar" style={{ marginBottom: 0 }}>
          <button type="submit" className="primary" disabled={!path || add.isPending || parsed.error !== null}>
            Add
          </button>
          <span className="muted">options left at “sidecar’s” keep the model’s own</span>
        </div>
      </form>
      {parsed.error !== null ? <div className="error-box">{parsed.error}</div> : null}
      {add.error ? <div className="error-box">{add.error.message}</div> : null}
      {result ? (
        <div className={result.created ? 'muted' : 'notice'} role="status" aria-label="Add model result">
          {result.created ? `${result.message}: ticked above, start a run when ready.` : result.message}
        </div>
      ) : null}
    </section>
  );
}
