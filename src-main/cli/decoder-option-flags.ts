/**
 * The decoder-option flags shared by `eval` and `variants set-options`: each given flag wins over the
 * model sidecar's value; a flag not given leaves the sidecar's in force (issue 11).
 */
import type { VariantDecoderOptions } from '../core/types.ts';
import { CliUsageError, oneOf } from './cli-args.ts';

export const DECODER_OPTION_FLAGS = {
  'flip-test': { type: 'boolean' },
  'no-flip-test': { type: 'boolean' },
  'heatmap-refine': { type: 'string' },
  'simcc-split-ratio': { type: 'string' },
  'sigma-is-logit': { type: 'boolean' },
  'no-sigma-is-logit': { type: 'boolean' },
} as const;

export const DECODER_OPTION_USAGE =
  '[--flip-test | --no-flip-test] [--heatmap-refine shift|dark|none] [--simcc-split-ratio R] [--sigma-is-logit | --no-sigma-is-logit]';

interface DecoderFlagValues {
  readonly 'flip-test'?: boolean | undefined;
  readonly 'no-flip-test'?: boolean | undefined;
  readonly 'heatmap-refine'?: string | undefined;
  readonly 'simcc-split-ratio'?: string | undefined;
  readonly 'sigma-is-logit'?: boolean | undefined;
  readonly 'no-sigma-is-logit'?: boolean | undefined;
}

export function decoderOptionsFromFlags(values: DecoderFlagValues): VariantDecoderOptions {
  const options: { -readonly [K in keyof VariantDecoderOptions]: VariantDecoderOptions[K] } = {};
  const pair = (on: boolean | undefined, off: boolean | undefined, flag: string): boolean | undefined => {
    if (on && off) throw new CliUsageError(`give either --${flag} or --no-${flag}, not both`);
    return on ? true : off ? false : undefined;
  };
  const flip = pair(values['flip-test'], values['no-flip-test'], 'flip-test');
  if (flip !== undefined) options.flipTest = flip;
  const logit = pair(values['sigma-is-logit'], values['no-sigma-is-logit'], 'sigma-is-logit');
  if (logit !== undefined) options.sigmaIsLogit = logit;
  if (values['heatmap-refine'] !== undefined)
    options.heatmapRefine = oneOf('heatmap-refine', values['heatmap-refine'], ['shift', 'dark', 'none'] as const, 'shift');
  if (values['simcc-split-ratio'] !== undefined) {
    const ratio = Number(values['simcc-split-ratio']);
    if (!Number.isFinite(ratio) || ratio <= 0) throw new CliUsageError(`--simcc-split-ratio must be a positive number (got "${values['simcc-split-ratio']}")`);
    options.simccSplitRatio = ratio;
  }
  return options;
}
