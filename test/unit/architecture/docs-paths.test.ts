/** Every file path ARCHITECTURE.md and the README's Layout name exists (so the docs follow the tree). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

/** `a/b.ts`-like paths in backticks (brace patterns and globs left out), looked up from the root, src-main and src-renderer. */
function missingPaths(markdown: string, atLeast: number): string[] {
  const paths = [...markdown.matchAll(/`([\w./-]+\/[\w.-]+\.(?:ts|tsx|js|cjs|md))`/g)].map((m) => m[1]!);
  expect(paths.length).toBeGreaterThanOrEqual(atLeast);
  // ../shared is not part of the project (present beside the checkout only): not checked.
  return paths
    .filter((p) => !p.startsWith('../shared/'))
    .filter((p) => !['', 'src-main', 'src-renderer'].some((base) => existsSync(path.join(PROJECT_ROOT, base, p))));
}

describe('docs name paths that exist', () => {
  it('ARCHITECTURE.md', () => {
    expect(missingPaths(readFileSync(path.join(PROJECT_ROOT, 'ARCHITECTURE.md'), 'utf8'), 10)).toEqual([]);
  });

  it('README (Layout and the rest)', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(missingPaths(readme, 3)).toEqual([]);
    // Every folder of the layout tree exists.
    const tree = readme.slice(readme.indexOf('## Layout'), readme.indexOf('**Engine placement.**'));
    const folders: string[] = [];
    const stack: { indent: number; name: string }[] = [];
    for (const line of tree.split('\n')) {
      const match = /^( *)([\w.-]+(?:\/[\w.-]+)*)\/(?:\s|$)/.exec(line);
      if (match === null) continue;
      const indent = match[1]!.length;
      while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
      const full = [...stack.map((s) => s.name), match[2]!].join('/');
      stack.push({ indent, name: match[2]! });
      folders.push(full);
    }
    expect(folders).toContain('src-main/engine/background');
    expect(folders.filter((f) => !['models/demo', 'datasets/demo-mpii'].includes(f) && !existsSync(path.join(PROJECT_ROOT, f)))).toEqual([]);
  });
});
