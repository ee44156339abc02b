/**
 * `npm run lint`'s layer check (dependency-cruiser, .dependency-cruiser.cjs) really fails on the
 * violations it exists for. A copy of the sources is made inside the project (so node_modules
 * resolves as in the tree), each violation is planted in it — the ones a regex-based check once let
 * through: double quotes, native modules in the evaluation code, the core reaching a host, a file the
 * renderer may import pulling the Node core in transitively — and dependency-cruiser, run as
 * `npm run lint` runs it, must name every one. The unplanted copy passes.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

const run = promisify(execFile);
const COPY = path.join(PROJECT_ROOT, 'test-artifacts', `layer-rules-${process.pid}`);

async function depcruise(): Promise<{ code: number; output: string }> {
  const bin = path.join(PROJECT_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, 'src-main', 'src-renderer', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], {
      cwd: COPY,
      maxBuffer: 16 << 20,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const plant = (file: string, line: string) => appendFileSync(path.join(COPY, file), `\n${line}\n`);

describe('layer rules (npm run lint)', () => {
  beforeAll(() => {
    rmSync(COPY, { recursive: true, force: true });
    mkdirSync(COPY, { recursive: true });
    for (const item of ['src-main', 'src-renderer', 'tsconfig.json', 'tsconfig.base.json', 'package.json', '.dependency-cruiser.cjs']) {
      cpSync(path.join(PROJECT_ROOT, item), path.join(COPY, item), { recursive: true });
    }
  });

  afterAll(() => rmSync(COPY, { recursive: true, force: true }));

  it('passes on the tree as it is', async () => {
    const result = await depcruise();
    expect(result.output).toMatch(/no dependency violations found/);
    expect(result.code).toBe(0);
  }, 120_000);

  it('fails naming each planted violation', async () => {
    plant(
      'src-main/evaluation/pckh.ts',
      `import Database from "better-sqlite3";\nimport * as ort from "onnxruntime-node";\nexport const planted = [Database, ort];`,
    );
    plant('src-main/formats/mpii-json.ts', `import { EngineSession } from "../engine/session.ts";\nexport const plantedHost = EngineSession;`);
    plant('src-renderer/shared/format.ts', `import { readFileSync } from "fs";\nexport const plantedFs = readFileSync;`);
    plant('src-main/core/joints.ts', `import { openWorkbench } from "../workbench/workbench.ts";\nexport const plantedWorkbench = openWorkbench;`);
    plant('src-main/store/blobs.ts', `import sharp from 'sharp';\nexport const plantedSharp = sharp;`);
    plant('src-main/workbench/workbench.ts', `import { app } from 'electron';\nexport const plantedElectron = app;`);
    const result = await depcruise();
    expect(result.code).not.toBe(0);
    const has = (rule: string, from: string) => expect(result.output, `${rule} from ${from}`).toMatch(new RegExp(`${rule}: ${from.replaceAll('.', '\\.')}`));
    has('native-better-sqlite3', 'src-main/evaluation/pckh.ts');
    has('native-onnxruntime-node', 'src-main/evaluation/pckh.ts');
    has('layer-formats', 'src-main/formats/mpii-json.ts');
    has('renderer-reach', 'src-renderer/shared/format.ts');
    has('layer-core', 'src-main/core/joints.ts');
    // joints.ts may be imported by the renderer: what it now pulls in is caught transitively.
    expect(result.output).toMatch(/renderer-reach: src-renderer\/\S+ → src-main\/workbench\/workbench\.ts/);
    has('native-sharp', 'src-main/store/blobs.ts');
    has('native-electron', 'src-main/workbench/workbench.ts');
    // The planted lines are what was found: the original files still read as they were.
    expect(readFileSync(path.join(PROJECT_ROOT, 'src-main/core/joints.ts'), 'utf8')).not.toContain('plantedWorkbench');
    writeFileSync(path.join(COPY, 'planted.txt'), result.output);
  }, 120_000);
});
