/**
 * Console errors and page errors of every Chromium page the end-to-end tests open. e2e-support.ts
 * records them here; the global hook (console-error-hook.ts, a vitest setup file) fails the test
 * during which any appeared, so no e2e file has to check by hand. Kept free of playwright so the
 * hook costs nothing in the other tests.
 */
const sessions = new Set<{ readonly problems: string[] }>();

export function trackBrowserProblems(session: { readonly problems: string[] }): () => void {
  sessions.add(session);
  return () => sessions.delete(session);
}

/** The problems seen since the last call, across every open page; the lists are emptied. */
export function takeBrowserProblems(): string[] {
  const all: string[] = [];
  for (const session of sessions) all.push(...session.problems.splice(0));
  return all;
}
