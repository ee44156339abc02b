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

export class PosebenchInputError extends Error {
  override readonly name = 'PosebenchInputError';
  readonly location: InputErrorLocation;

  constructor(location: InputErrorLocation, problem: string) {
    super(`${describeLocation(location)}: ${problem}`);
    this.location = location;
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
