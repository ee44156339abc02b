/**
 * Runs small Python/OpenCV scripts for cross-checks (Debian `python3-opencv`, /usr/bin/python3).
 * Tests that need it skip, printing why, when cv2 is not importable.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];

function probe(): { python: string; version: string } | { reason: string } {
  for (const python of PYTHON_CANDIDATES) {
    if (python.startsWith('/') && !existsSync(python)) continue;
    const run = spawnSync(python, ['-c', 'import cv2, numpy; print(cv2.__version__)'], { encoding: 'utf8' });
    if (run.status === 0) return { python, version: run.stdout.trim() };
  }
  return { reason: 'python3 with cv2 + numpy is not importable (apt-get install python3-opencv)' };
}

const probed = probe();

export const OPENCV_PYTHON = 'python' in probed ? probed : undefined;
export const HAS_OPENCV = OPENCV_PYTHON !== undefined;

let reasonPrinted = false;
export function skipWithoutOpenCv(what: string): boolean {
  if (HAS_OPENCV) return false;
  if (!reasonPrinted) {
    console.warn(`[skip] ${what}: ${'reason' in probed ? probed.reason : ''}`);
    reasonPrinted = true;
  }
  return true;
}

/** OpenCV ≤ 4.10 warps uint8 in fixed point (spec §4.2); from 4.11 a float kernel may differ by 1. */
export function openCvUsesFixedPointWarp(): boolean {
  const match = /^(\d+)\.(\d+)/.exec(OPENCV_PYTHON?.version ?? '');
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major < 4 || (major === 4 && minor <= 10);
}

/** Runs `script` with `input` as JSON on stdin; returns stdout. Throws with stderr on failure. */
export function runOpenCvPython(script: string, input: unknown): string {
  if (!OPENCV_PYTHON) throw new Error('OpenCV python is not available');
  const run = spawnSync(OPENCV_PYTHON.python, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}
