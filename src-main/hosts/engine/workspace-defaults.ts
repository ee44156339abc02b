/**
 * Where the engine keeps its small side files when the caller gives none: the thumbnail cache and
 * the "last dataset opened" note. With `--db FILE` they sit next to that file (tests stay in their
 * temp folder); otherwise in posebench's data directory.
 */
import path from 'node:path';
import { posebenchDataHome } from '../../store/workspace-path.ts';

export { defaultCacheDir } from '../../store/workspace-path.ts';

export function stateFileFor(dbPath: string | undefined): string {
  return dbPath !== undefined ? `${dbPath}.state.json` : path.join(posebenchDataHome(), 'state.json');
}
