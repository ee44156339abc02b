/**
 * Entry of the thumbnail worker: a child process of the engine that makes thumbnails at the lowest
 * CPU priority (issue 5). While the user scrolls Browse, the browser needs both cores for its
 * frames; thumbnails made at normal priority next to it cost a frame in ten, made here they take
 * only the time the browser leaves. Jobs arrive over the IPC channel (thumbnail-worker-client.ts).
 */
import { lowerOwnPriority, sendToEngine } from '../low-priority-process.ts';
import type { WorkerReply, WorkerRequest } from './thumbnail-worker-client.ts';

lowerOwnPriority();

if (typeof process.send !== 'function') {
  process.stderr.write('thumbnail-worker: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

// Loaded after the priority is lowered: the threads sharp and libvips start inherit it.
const { makeThumbnail } = await import('./thumbnails.ts');

sendToEngine({ ready: true } satisfies WorkerReply);

process.on('message', (message: WorkerRequest) => {
  void makeThumbnail(message.job)
    .then(
      (): WorkerReply => ({ id: message.id, ok: true }),
      (error: unknown): WorkerReply => ({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    )
    .then((reply) => sendToEngine(reply));
});

// The engine owns our lifetime.
process.on('disconnect', () => process.exit(0));
