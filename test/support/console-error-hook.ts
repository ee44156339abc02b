/**
 * Global vitest hook (setupFiles): a test during which a Chromium page logged a console error or
 * threw fails, naming the errors. A test that provokes an error on purpose takes it first with
 * takeBrowserProblems() and checks it itself.
 */
import { afterEach, expect } from 'vitest';
import { takeBrowserProblems } from './browser-problems.ts';

afterEach(() => {
  expect(takeBrowserProblems(), 'console errors or page errors in Chromium during this test').toEqual([]);
});
