/** The global console-error hook's registry: problems of tracked pages are handed over once; untracked pages are not read. */
import { describe, expect, it } from 'vitest';
import { takeBrowserProblems, trackBrowserProblems } from '../../support/browser-problems.ts';

describe('browser problem registry (global e2e console-error hook)', () => {
  it("hands over every tracked page's problems once, and forgets closed pages", () => {
    const a = { problems: [] as string[] };
    const b = { problems: [] as string[] };
    const untrackA = trackBrowserProblems(a);
    const untrackB = trackBrowserProblems(b);
    a.problems.push('console error: boom');
    b.problems.push('page error: bang');
    expect(takeBrowserProblems()).toEqual(['console error: boom', 'page error: bang']);
    expect(takeBrowserProblems()).toEqual([]);
    untrackA();
    a.problems.push('after close');
    expect(takeBrowserProblems()).toEqual([]);
    untrackB();
  });
});
