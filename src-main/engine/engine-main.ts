/**
 * Entry of the engine as a forked Node child process (web host). Run with `--import tsx` from
 * sources. The parent talks to it over the IPC channel (`process.send`).
 */
import { serveEngine } from './engine-server.ts';
import { createEngineService } from './engine-service.ts';
import type { EngineToHost, HostToEngine } from './protocol.ts';

if (typeof process.send !== 'function') {
  process.stderr.write('engine-main: must be started with an IPC channel (child_process.fork)\n');
  process.exit(2);
}

serveEngine(
  {
    send: (message: EngineToHost) => {
      process.send?.(message);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as HostToEngine)),
  },
  createEngineService,
  (code) => process.exit(code),
);

// The host owns our lifetime: when the IPC channel closes, exit.
process.on('disconnect', () => process.exit(0));
