/**
 * The one user-facing error type (and its file-naming form). A `UserError`'s message is shown as is,
 * one line; its `kind` travels over the wire (engine → host → UI) so each host can answer it the same
 * way: the web host with 400 for a malformed request, the CLI with exit code 1, the UI next to the
 * field or as a banner. Anything else thrown is a bug, reported as "internal error".
 */
export type UserErrorKind =
  /** A file's content (dataset, predictions, model, sidecar) is not usable. */
  | 'bad-input'
  /** The request itself is malformed (schema, unknown channel). */
  | 'bad-request'
  /** It names something that does not exist (variant, run, instance). */
  | 'not-found'
  /** It cannot be done in the current state (no dataset open, a run is going, a file exists). */
  | 'conflict';

export const USER_ERROR_KINDS: readonly UserErrorKind[] = ['bad-input', 'bad-request', 'not-found', 'conflict'];

export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    readonly kind: UserErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function isUserErrorKind(value: unknown): value is UserErrorKind {
  return typeof value === 'string' && (USER_ERROR_KINDS as readonly string[]).includes(value);
}

/**
 * Errors that name what the user must look at: the file, and the entry inside it.
 * Every bad-input path in the core throws (or reports, as a warning) one of these.
 */
export interface InputErrorLocation {
  /** Path of the offending file, as the user gave it or as found in the dataset folder. */
  readonly file: string;
  /** Entry index inside the file (json list index, person column in a `.mat`), when known. */
  readonly entry?: number;
  /** Field or variable name inside the entry, when known. */
  readonly field?: string;
}

export class PosebenchInputError extends UserError {
  override readonly name: string = 'PosebenchInputError';
  readonly location: InputErrorLocation;

  constructor(location: InputErrorLocation, problem: string, kind: UserErrorKind = 'bad-input') {
    super(kind, `${describeLocation(location)}: ${problem}`);
    this.location = location;
  }
}

/**
 * A file the user asked to write exists and overwriting was not allowed. The remedy differs per host
 * (`--force` in the CLI, the Overwrite box in the app), so each host words it; no one matches text.
 */
export class TargetExistsError extends PosebenchInputError {
  override readonly name: string = 'TargetExistsError';
  constructor(readonly target: string) {
    super({ file: target }, 'already exists; choose another path or allow overwriting it', 'conflict');
  }
}

/** A problem that leaves the rest of the input usable (reported, not thrown). */
export interface InputWarning {
  readonly location: InputErrorLocation;
  readonly message: string;
}

export function describeLocation(location: InputErrorLocation): string {
  let text = location.file;
  if (location.entry !== undefined) text += ` entry ${location.entry}`;
  if (location.field !== undefined) text += ` (${location.field})`;
  return text;
}

export function makeWarning(location: InputErrorLocation, problem: string): InputWarning {
  return { location, message: `${describeLocation(location)}: ${problem}` };
}
