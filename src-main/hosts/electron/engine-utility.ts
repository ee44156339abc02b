/**
 * Entry of the engine as an Electron utilityProcess (the app's main process forks it). Speaks the
 * same protocol as the Node child under the web host, over `process.parentPort`.
 */
import type { ParentPort } from 'electron';
import { serveEngine } from '../../engine/engine-server.ts';
import { createEngineService } from '../../engine/engine-service.ts';
import type { HostToEngine } from '../../engine/protocol.ts';

const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;
if (parentPort === undefined) {
  process.stderr.write('engine-utility: must run as an Electron utilityProcess\n');
  process.exit(2);
}

serveEngine(
  {
    send: (message) => parentPort.postMessage(message),
    onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as HostToEngine)),
  },
  createEngineService,
  (code) => process.exit(code),
);
