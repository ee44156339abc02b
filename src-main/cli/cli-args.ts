/** Small helpers over node:util parseArgs so every command reports bad flags the same way. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CliUsageError(`posebench ${command}: ${(error as Error).message}`);
  }
}

export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliUsageError(`--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}

export function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new CliUsageError(`--${flag} must be a non-negative integer (got "${value}")`);
  return parsed;
}
