/**
 * Layering rules, checked on the sources (VS Code-style enforced imports):
 * - only the Electron entry files import `electron`;
 * - the pure core never imports a host, the CLI or the renderer;
 * - the renderer reaches into src-main only for the API contract and the core's plain tables/types.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(name) ? [full] : [];
  });
}

const IMPORT = /(?:import|export)\s[^;]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): { specifier: string; resolved: string | null }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = (match[1] ?? match[2])!;
    const resolved = specifier.startsWith('.') ? path.relative(PROJECT_ROOT, path.resolve(path.dirname(file), specifier)) : null;
    return { specifier, resolved };
  });
}

const relative = (file: string): string => path.relative(PROJECT_ROOT, file).split(path.sep).join('/');
const mainFiles = sourceFiles(path.join(PROJECT_ROOT, 'src-main'));
const rendererFiles = sourceFiles(path.join(PROJECT_ROOT, 'src-renderer'));

describe('import rules', () => {
  it('finds the sources', () => {
    expect(mainFiles.length).toBeGreaterThan(50);
    expect(rendererFiles.length).toBeGreaterThan(10);
  });

  it('only src-main/hosts/electron imports electron', () => {
    const offenders = [...mainFiles, ...rendererFiles]
      .filter((file) => importsOf(file).some(({ specifier }) => specifier === 'electron' || specifier.startsWith('electron/')))
      .map(relative)
      .filter((file) => !file.startsWith('src-main/hosts/electron/'));
    expect(offenders).toEqual([]);
  });

  it('the core never imports hosts, the CLI or the renderer', () => {
    const core = mainFiles.filter((file) => !/^src-main\/(hosts|cli)\//.test(relative(file)));
    const offenders = core.flatMap((file) =>
      importsOf(file)
        .filter(({ resolved }) => resolved !== null && /^(src-main\/(hosts|cli)|src-renderer)\//.test(resolved.split(path.sep).join('/')))
        .map(({ specifier }) => `${relative(file)} -> ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the renderer takes from src-main only the API contract and plain core tables/types', () => {
    const allowed = new Set(['src-main/api/contract.ts', 'src-main/core/joints.ts', 'src-main/core/types.ts']);
    const offenders = rendererFiles.flatMap((file) =>
      importsOf(file)
        .filter(({ resolved }) => resolved !== null && resolved.split(path.sep).join('/').startsWith('src-main/'))
        .filter(({ resolved }) => !allowed.has(resolved!.split(path.sep).join('/')))
        .map(({ specifier }) => `${relative(file)} -> ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('node built-ins and native modules stay out of the renderer', () => {
    const offenders = rendererFiles.flatMap((file) =>
      importsOf(file)
        .filter(({ specifier }) => /^node:|^(fs|path|child_process|better-sqlite3|onnxruntime-node|sharp)$/.test(specifier))
        .map(({ specifier }) => `${relative(file)} -> ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
