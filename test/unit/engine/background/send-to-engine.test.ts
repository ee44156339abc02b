/** Workers outlive their engine by a moment: sending then must not crash them. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../../support/send-after-disconnect.ts', import.meta.url));

describe('sendToEngine', () => {
  it('drops a message once the engine closed the channel; the worker exits 0 with nothing on stderr', async () => {
    const child = fork(entry, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve) => child.once('message', () => resolve()));
    child.disconnect();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  }, 30_000);
});
