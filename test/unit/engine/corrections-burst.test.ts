/**
 * Arrow-key nudges sent with one burst id are one undo step (and one redo step); a nudge without a
 * burst, or with another one, stays its own step. Real engine service on a temp workspace (demo).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Channel, type RequestInput, type Response } from '../../../src-main/api/contract.ts';
import { parseRequest } from '../../../src-main/api/request-schemas.ts';
import { ensureDemo } from '../../../src-main/demo/ensure-demo.ts';
import { createEngineService } from '../../../src-main/engine/engine-service.ts';
import type { EngineService } from '../../../src-main/engine/engine-server.ts';
import { PROJECT_ROOT } from '../../support/shared-fixtures.ts';

describe('engine: nudge bursts in the correction history', () => {
  let service: EngineService;
  let dir = '';

  async function call<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
    const handler = service.handlers[channel] as (req: unknown) => Promise<Response<C>>;
    return handler(parseRequest(channel, request));
  }
  const wristOf = async (instanceIndex: number) => (await call('corrections:instance', { instanceIndex })).joints[15]!.xy;

  beforeAll(async () => {
    const demo = await ensureDemo(PROJECT_ROOT);
    dir = mkdtempSync(path.join(os.tmpdir(), 'posebench-nudge-burst-'));
    service = await createEngineService(
      { dbPath: path.join(dir, 'ws.sqlite'), datasetDir: demo.datasetDir, projectRoot: PROJECT_ROOT, cacheDir: path.join(dir, 'cache') },
      () => undefined,
    );
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('one undo takes back a whole burst; redo puts it back whole; other edits stay single steps', async () => {
    const start = (await wristOf(1))!;
    const nudge = (dx: number, burst?: string) =>
      call('corrections:apply', { instanceIndex: 1, edit: { kind: 'joint', joint: 15, xy: [start[0] + dx, start[1]], ...(burst ? { burst } : {}) } });
    await nudge(1); // a single nudge, no burst: its own step
    for (let dx = 2; dx <= 5; dx += 1) await nudge(dx, 'held-1');
    for (let dx = 6; dx <= 7; dx += 1) await nudge(dx, 'held-2');
    expect(await wristOf(1)).toEqual([start[0] + 7, start[1]]);
    expect((await call('corrections:history', {})).undoCount).toBe(7);

    await call('corrections:undo', {});
    expect(await wristOf(1)).toEqual([start[0] + 5, start[1]]); // burst held-2 gone at once
    await call('corrections:undo', {});
    expect(await wristOf(1)).toEqual([start[0] + 1, start[1]]); // burst held-1 gone at once
    await call('corrections:redo', {});
    expect(await wristOf(1)).toEqual([start[0] + 5, start[1]]);
    await call('corrections:undo', {});
    await call('corrections:undo', {});
    expect(await wristOf(1)).toEqual(start);
  });

  it('rejects a burst id that is not a short token', async () => {
    expect(() => parseRequest('corrections:apply', { instanceIndex: 1, edit: { kind: 'joint', joint: 15, xy: [1, 1], burst: 'a b' } })).toThrow();
    expect(() => parseRequest('corrections:apply', { instanceIndex: 1, edit: { kind: 'joint', joint: 15, xy: [1, 1], burst: 'x'.repeat(65) } })).toThrow();
  });
});
