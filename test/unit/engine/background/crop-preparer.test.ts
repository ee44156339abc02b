/**
 * The engine's crop preparation (crop-preparer.ts) with its real worker process over the demo
 * images: it works only while allowed (held between images), at the lowest priority, prepares each
 * target once, a new target replaces the old worker, and a worker that dies is replaced.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../../src-main/core/project-root.ts';
import type { PersonAnnotation } from '../../../../src-main/core/types.ts';
import { openDataset } from '../../../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../../../src-main/demo/ensure-demo.ts';
import { CropPreparer, type CropPrepareStatus, type CropPrepareTarget } from '../../../../src-main/engine/background/crop-preparation/crop-preparer.ts';

const HOST_CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crop-preparer-host-child.ts');

let temp = '';
let persons: PersonAnnotation[] = [];
let imagesDir = '';
beforeAll(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'posebench-crop-preparer-'));
  const dataset = openDataset((await ensureDemo(projectRoot())).datasetDir);
  persons = dataset.persons;
  imagesDir = dataset.imagesDir;
}, 120_000);
afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

async function cropCount(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.rgb')).length;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each demo person 8 times at slightly different scales: 8 crops per person, one decode per image. */
function largeTarget(key: string): CropPrepareTarget {
  const many = persons.flatMap((p, i) => Array.from({ length: 8 }, (_, k) => ({ ...p, entryIndex: i * 8 + k, scale: p.scale * (1 + k / 64) })));
  return { key, persons: many, imagesDir, sizes: [{ width: 256, height: 256 }] };
}

/** Running (a zombie left for a parent that does not reap counts as gone). */
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return (
      readFileSync(`/proc/${pid}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .charAt(0) !== 'Z'
    );
  } catch {
    return false;
  }
};

describe('CropPreparer', () => {
  it('works only while allowed, at the lowest priority, held between images, and is replaced by a new target', async () => {
    const dir = path.join(temp, 'signals');
    let may = false;
    const preparer = new CropPreparer({ cache: { dir, budgetBytes: 2 ** 31 }, mayWork: () => may, pollMs: 20 });
    try {
      expect(preparer.available).toBe(true);
      preparer.request(largeTarget('a'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(preparer.status()).toMatchObject({ state: 'held', target: 'a', starts: 0, pid: undefined });
      expect(await cropCount(dir)).toBe(0);

      may = true;
      await until('crops being made', async () => (await cropCount(dir)) > 0);
      const pid = preparer.status().pid as number;
      expect(pid).toBeGreaterThan(0);
      if (process.platform !== 'win32') expect(os.getPriority(pid)).toBe(19);

      may = false;
      await until('held', () => preparer.status().state === 'held');
      // The hold takes effect before the worker's next image: wait until no crop is added for 300 ms.
      let held = -1;
      await until(
        'no crop added while held',
        async () => {
          const before = await cropCount(dir);
          await new Promise((resolve) => setTimeout(resolve, 300));
          held = await cropCount(dir);
          return held === before;
        },
        10_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await cropCount(dir)).toBe(held);
      expect(isAlive(pid)).toBe(true);
      expect(held).toBeLessThan(largeTarget('a').persons.length);

      may = true;
      await until('more crops after continuing', async () => (await cropCount(dir)) > held);
      expect(preparer.status().starts).toBe(1);

      // The same target is not restarted; another one replaces the worker.
      preparer.request(largeTarget('a'));
      expect(preparer.status().starts).toBe(1);
      preparer.request({ key: 'b', persons: persons.slice(0, 5), imagesDir, sizes: [{ width: 64, height: 64 }] });
      await until('old worker gone', () => !isAlive(pid));
      await until('target b done', () => preparer.status().state === 'done');
      const done = preparer.status() as CropPrepareStatus & { progress: NonNullable<CropPrepareStatus['progress']> };
      expect(done.progress).toMatchObject({ cropsMade: 5, failedImages: 0, end: 'done' });
      expect(done.pid).toBeUndefined();
    } finally {
      preparer.close();
    }
  }, 120_000);

  it('a worker that dies is started again and finds the crops made', async () => {
    const dir = path.join(temp, 'restart');
    const preparer = new CropPreparer({ cache: { dir, budgetBytes: 2 ** 31 }, mayWork: () => true, pollMs: 20 });
    try {
      const target: CropPrepareTarget = { ...largeTarget('c'), persons: largeTarget('c').persons.slice(0, 400) };
      preparer.request(target);
      await until('crops being made', async () => (await cropCount(dir)) > 0);
      const firstPid = preparer.status().pid as number;
      process.kill(firstPid, 'SIGKILL');
      await until('first worker gone', () => !isAlive(firstPid));
      const made = await cropCount(dir);
      await until('done', () => preparer.status().state === 'done');
      const status = preparer.status();
      expect(status.starts).toBe(2);
      expect(status.progress?.cropsFound).toBeGreaterThanOrEqual(made);
      expect(await cropCount(dir)).toBe(400);
    } finally {
      preparer.close();
    }
  }, 120_000);

  it('a held worker leaves when the engine dies (SIGKILL), rather than waiting for good', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', HOST_CHILD, path.join(temp, 'host-child')], {
      cwd: projectRoot(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
      });
      await until('the host held its worker', () => /HELD \d+ held\n/.test(out));
      const workerPid = Number(/HELD (\d+)/.exec(out)?.[1]);
      expect(isAlive(workerPid)).toBe(true);
      child.kill('SIGKILL');
      await until('the held worker gone after its engine died', () => !isAlive(workerPid), 10_000);
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);

  it('prepares nothing without a worker entry or a cache', () => {
    const noEntry = new CropPreparer({ cache: { dir: path.join(temp, 'x'), budgetBytes: 1 }, mayWork: () => true, entry: null });
    const noCache = new CropPreparer({ cache: null, mayWork: () => true });
    for (const preparer of [noEntry, noCache]) {
      expect(preparer.available).toBe(false);
      preparer.request(largeTarget('d'));
      expect(preparer.status()).toMatchObject({ state: 'idle', target: null, pid: undefined });
      preparer.close();
    }
  });
});
