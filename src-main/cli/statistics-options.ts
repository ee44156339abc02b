/**
 * The options `compare`, `stats` and `report` share (workspace, variants, protocol, bootstrap, seed),
 * parsed and checked in one place so the three commands accept and reject the same values.
 */
import { DEFAULT_PCKH_PROTOCOL, PCKH_PROTOCOLS, type PckhProtocol } from '../core/types.ts';
import { DEFAULT_BOOTSTRAP_REPLICATES } from '../evaluation/bootstrap.ts';
import { CliUsageError, oneOf, positiveInteger } from './cli-args.ts';

export const DEFAULT_STATISTICS_SEED = 1;

/** parseArgs options; spread into a command's own. */
export const STATISTICS_OPTIONS = {
  dataset: { type: 'string' },
  db: { type: 'string' },
  variant: { type: 'string', multiple: true },
  protocol: { type: 'string' },
  bootstrap: { type: 'string' },
  seed: { type: 'string' },
} as const;

export interface StatisticsSettings {
  readonly protocol: PckhProtocol;
  readonly replicates: number;
  readonly seed: number;
}

export function statisticsSettings(values: {
  readonly protocol?: string | undefined;
  readonly bootstrap?: string | undefined;
  readonly seed?: string | undefined;
}): StatisticsSettings {
  const protocol: PckhProtocol = oneOf('protocol', values.protocol, PCKH_PROTOCOLS, DEFAULT_PCKH_PROTOCOL);
  const replicates = positiveInteger('bootstrap', values.bootstrap, DEFAULT_BOOTSTRAP_REPLICATES);
  if (replicates < 1) throw new CliUsageError('--bootstrap must be at least 1');
  const seed = positiveInteger('seed', values.seed, DEFAULT_STATISTICS_SEED);
  return { protocol, replicates, seed };
}
