/**
 * Access to ../shared (fixtures, models, specs). A fresh clone has no ../shared: tests that need it
 * use `describeWithShared` / `sharedPath` and are skipped with a reason printed once.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PROJECT_ROOT = projectRoot;
export const SHARED_ROOT = path.resolve(projectRoot, '..', 'shared');
export const HAS_SHARED = existsSync(path.join(SHARED_ROOT, 'fixtures'));

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_ROOT, ...parts);
}

let reasonPrinted = false;
/** Prints, once per test file, why ../shared cases are skipped. Returns true when they are. */
export function skipWithoutShared(what: string): boolean {
  if (HAS_SHARED) return false;
  if (!reasonPrinted) {
    console.warn(`[skip] ${what}: ../shared is absent (a fresh clone has none); these cases need its real MPII fixtures/models.`);
    reasonPrinted = true;
  }
  return true;
}
