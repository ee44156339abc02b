/**
 * Entry of the thumbnail worker: a child process of the engine that makes thumbnails at the lowest
 * CPU priority (issue 5). While the user scrolls Browse, the browser needs both cores for its
 * frames; thumbnails made at normal priority next to it cost a frame in ten, made here they take
 * only the time the browser leaves. Jobs arrive over the IPC channel (thumbnail-worker-client.ts).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { WorkerReply, WorkerRequest } from './thumbnail-worker-client.ts';

lowerOwnPriority();

if (typeof process.send !== 'function') {
  process.stderr.write('thumbnail-worker: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

// Loaded after the priority is lowered: the threads sharp and libvips start inherit it.
const { makeThumbnail } = await import('./thumbnails.ts');

process.send({ ready: true } satisfies WorkerReply);

process.on('message', (message: WorkerRequest) => {
  void makeThumbnail(message.job).then(
    (): WorkerReply => ({ id: message.id, ok: true }),
    (error: unknown): WorkerReply => ({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  ).then((reply) => process.send?.(reply));
});

// The engine owns our lifetime.
process.on('disconnect', () => process.exit(0));

/**
 * On Linux the nice value belongs to each thread, and a new thread takes its creator's: lower every
 * thread that exists now (Node's own), and the main thread before it starts the thread pool.
 * With autogroup scheduling (most desktops), CPU time is first shared fairly between sessions, and
 * nice only orders the tasks inside one: the client starts this process in a session of its own
 * (detached), and here that session's group gets the lowest weight too; the browser is in another.
 * Elsewhere os.setPriority sets the whole process.
 */
function lowerOwnPriority(): void {
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
