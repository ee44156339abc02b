/**
 * Background worker processes of the engine at the lowest CPU priority (thumbnails, crop
 * preparation): work that must only take the CPU time the browser and model runs leave over.
 * The engine forks them with `forkLowPriorityWorker`; each calls `lowerOwnPriority` first thing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * The entry file `name` next to the calling module (`import.meta.url` of the caller): `.ts` under
 * tsx/vitest, `.js` in a bundle, where it must be an entry of its own (electron.vite.config.ts).
 */
export function workerEntryBeside(callerUrl: string, name: string): string {
  const extension = callerUrl.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${extension}`, callerUrl));
}

/** Forks `entry` with an IPC channel, in a session of its own (see lowerOwnPriority). */
export function forkLowPriorityWorker(entry: string): ChildProcess {
  return fork(entry, [], {
    execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    // Inside Electron, process.execPath is the app: run it as plain Node.
    env: process.versions['electron'] !== undefined ? { ...process.env, ELECTRON_RUN_AS_NODE: '1' } : process.env,
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // A session of its own: its own scheduling group under Linux autogroup. It still exits with the
    // engine: workers leave when the IPC channel closes. (On Windows a detached child would get a
    // console of its own, and there is no autogroup there.)
    detached: process.platform !== 'win32',
  });
}

/**
 * On Linux the nice value belongs to each thread, and a new thread takes its creator's: lower every
 * thread that exists now (Node's own), and the main thread before it starts the thread pool.
 * With autogroup scheduling (most desktops), CPU time is first shared fairly between sessions, and
 * nice only orders the tasks inside one: the engine starts these processes in a session of their own
 * (forkLowPriorityWorker: detached), and here that session's group gets the lowest weight too; the browser is in another.
 * Elsewhere os.setPriority sets the whole process.
 */
export function lowerOwnPriority(): void {
  const lowest = os.constants.priority.PRIORITY_LOW; // 19, the lowest
  try {
    os.setPriority(lowest);
  } catch {
    // not allowed here: run at normal priority
  }
  if (process.platform !== 'linux') return;
  try {
    for (const task of readdirSync('/proc/self/task')) {
      try {
        os.setPriority(Number(task), lowest);
      } catch {
        // the thread is gone
      }
    }
  } catch {
    // no /proc
  }
  try {
    writeFileSync('/proc/self/autogroup', String(lowest));
  } catch {
    // no autogroup scheduling (kernel option off, or cgroups decide): nice is what counts
  }
}

/**
 * Sends a message to the engine from a worker. The engine may be gone (killed, or a Ctrl+C reached
 * both at once): without a callback, `process.send` on a closed channel raises an uncaught
 * ERR_IPC_CHANNEL_CLOSED in the worker; here it is dropped, and the worker leaves on 'disconnect'.
 */
export function sendToEngine(message: unknown): void {
  if (typeof process.send !== 'function' || !process.connected) return;
  process.send(message, undefined, undefined, () => undefined);
}
