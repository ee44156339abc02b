import path from 'node:path';

/** True when `file` (absolute, resolved) lies inside `folder` (absolute, resolved). */
export function isInsideFolder(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file));
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
