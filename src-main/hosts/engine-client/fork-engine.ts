/**
 * Spawns the engine as a Node child process (`child_process.fork`), for the web host and tests.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EnginePort, EngineSpawner } from './engine-client.ts';
import type { EngineToHost } from '../../engine/protocol.ts';

const DEFAULT_ENTRY = fileURLToPath(new URL('../../engine/engine-main.ts', import.meta.url));

export function forkEngineSpawner(entry: string = DEFAULT_ENTRY): EngineSpawner {
  return (): EnginePort => {
    const child = fork(entry, [], {
      execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
      // typed arrays and Maps survive the channel
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return {
      send: (message) => {
        if (child.connected) child.send(message);
        else throw new Error('engine process is not connected');
      },
      onMessage: (listener) => child.on('message', (message) => listener(message as EngineToHost)),
      onExit: (listener) => child.on('exit', (code) => listener(code)),
      kill: () => {
        child.kill('SIGKILL');
      },
    };
  };
}
