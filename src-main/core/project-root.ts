/** The posebench checkout/installation root (where package.json, datasets/ and models/ live). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(): string {
  // This file is src-main/core/project-root.ts in the source tree; bundled builds set POSEBENCH_ROOT.
  const fromEnv = process.env['POSEBENCH_ROOT'];
  if (fromEnv && existsSync(path.join(fromEnv, 'package.json'))) return fromEnv;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'src-main'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}
