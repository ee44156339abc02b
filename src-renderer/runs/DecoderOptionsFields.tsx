/**
 * The decoder options a variant may set over its model sidecar's (contract: decoderOptionsSchema).
 * Every field has a "sidecar's" choice meaning "not set": the sidecar's value stays in force, and
 * setting any option gives the variant a new run identity.
 */
import type { DecoderOptionsRequest } from '../../src-main/api/contract.ts';

/** What the form holds: strings, so "sidecar's" (empty) and a half-typed number are representable. */
export interface DecoderOptionsDraft {
  readonly flipTest: '' | 'on' | 'off';
  readonly heatmapRefine: '' | 'shift' | 'dark' | 'none';
  readonly simccSplitRatio: string;
  readonly sigmaIsLogit: '' | 'yes' | 'no';
}

export const EMPTY_OPTIONS_DRAFT: DecoderOptionsDraft = { flipTest: '', heatmapRefine: '', simccSplitRatio: '', sigmaIsLogit: '' };

export function draftFromOptions(options: DecoderOptionsRequest): DecoderOptionsDraft {
  return {
    flipTest: options.flipTest === undefined ? '' : options.flipTest ? 'on' : 'off',
    heatmapRefine: options.heatmapRefine ?? '',
    simccSplitRatio: options.simccSplitRatio === undefined ? '' : String(options.simccSplitRatio),
    sigmaIsLogit: options.sigmaIsLogit === undefined ? '' : options.sigmaIsLogit ? 'yes' : 'no',
  };
}

/** The request's options, or why the draft is not valid (same bounds as the schema: > 0, ≤ 64). */
export function optionsFromDraft(draft: DecoderOptionsDraft): { options: DecoderOptionsRequest; error: null } | { options: null; error: string } {
  const options: { -readonly [K in keyof DecoderOptionsRequest]: DecoderOptionsRequest[K] } = {};
  if (draft.flipTest !== '') options.flipTest = draft.flipTest === 'on';
  if (draft.heatmapRefine !== '') options.heatmapRefine = draft.heatmapRefine;
  if (draft.sigmaIsLogit !== '') options.sigmaIsLogit = draft.sigmaIsLogit === 'yes';
  const ratio = draft.simccSplitRatio.trim();
  if (ratio !== '') {
    const value = Number(ratio);
    if (!Number.isFinite(value) || value <= 0 || value > 64)
      return { options: null, error: 'SimCC split ratio must be a number above 0 and at most 64 (or empty for the sidecar’s)' };
    options.simccSplitRatio = value;
  }
  return { options, error: null };
}

/** How the sidecar's value reads in the "sidecar's" choice, when known, e.g. "sidecar's (off)". */
function inherited(sidecar: Readonly<Record<string, unknown>> | null, key: string, show: (value: unknown) => string): string {
  if (sidecar === null) return 'sidecar’s';
  const value = sidecar[key];
  return value === undefined ? 'sidecar’s (not set)' : `sidecar’s (${show(value)})`;
}

const REFINE_LABELS: Readonly<Record<string, string>> = { shift: '0.25 shift', dark: 'DARK', none: 'none' };

export function DecoderOptionsFields({
  draft,
  onChange,
  sidecar = null,
  idPrefix,
}: {
  draft: DecoderOptionsDraft;
  onChange: (draft: DecoderOptionsDraft) => void;
  /** The model sidecar's decoder, to show what "sidecar's" means; null when not known (a model not yet added). */
  sidecar?: Readonly<Record<string, unknown>> | null;
  idPrefix: string;
}) {
  const set = <K extends keyof DecoderOptionsDraft>(key: K, value: DecoderOptionsDraft[K]) => onChange({ ...draft, [key]: value });
  return (
    <fieldset className="decoder-options">
      <legend>Decoder options</legend>
      <Choice
        id={`${idPrefix}-flip`}
        label="Flip test"
        title="Average with the prediction on the mirrored crop"
        value={draft.flipTest}
        onChange={(v) => set('flipTest', v)}
        choices={[
          ['', inherited(sidecar, 'flipTest', (v) => (v ? 'on' : 'off'))],
          ['on', 'on'],
          ['off', 'off'],
        ]}
      />
      <Choice
        id={`${idPrefix}-refine`}
        label="Heatmap refinement"
        title="Heatmap heads: sub-pixel refinement of the argmax"
        value={draft.heatmapRefine}
        onChange={(v) => set('heatmapRefine', v)}
        choices={[
          ['', inherited(sidecar, 'heatmapRefine', (v) => REFINE_LABELS[String(v)] ?? String(v))],
          ['shift', '0.25 shift'],
          ['dark', 'DARK'],
          ['none', 'none'],
        ]}
      />
      <label htmlFor={`${idPrefix}-split`} title="SimCC heads: bins per input pixel; empty keeps the sidecar's">
        SimCC split ratio
        <input
          id={`${idPrefix}-split`}
          aria-label="SimCC split ratio"
          type="number"
          min={0}
          max={64}
          step="any"
          placeholder={inherited(sidecar, 'simccSplitRatio', String)}
          value={draft.simccSplitRatio}
          onChange={(e) => set('simccSplitRatio', e.target.value)}
          style={{ width: 130 }}
        />
      </label>
      <Choice
        id={`${idPrefix}-sigma`}
        label="σ are logits"
        title="RLE heads: the σ outputs are logits (a sigmoid is applied) rather than probabilities"
        value={draft.sigmaIsLogit}
        onChange={(v) => set('sigmaIsLogit', v)}
        choices={[
          ['', inherited(sidecar, 'sigmaIsLogit', (v) => (v ? 'yes' : 'no'))],
          ['yes', 'yes'],
          ['no', 'no'],
        ]}
      />
    </fieldset>
  );
}

/** A labelled select over a fixed set of values (the first being "sidecar's"). */
function Choice<V extends string>(props: {
  id: string;
  label: string;
  title: string;
  value: V;
  onChange: (value: V) => void;
  choices: readonly (readonly [V, string])[];
}) {
  return (
    <label htmlFor={props.id} title={props.title}>
      {props.label}
      <select
        id={props.id}
        aria-label={props.label}
        value={props.value}
        onChange={(e) => {
          const chosen = props.choices.find(([value]) => value === e.target.value);
          if (chosen) props.onChange(chosen[0]);
        }}
      >
        {props.choices.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}
