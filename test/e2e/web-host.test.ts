/**
 * The web host's boundaries, over real HTTP/WebSocket against a real engine process on a temp
 * workspace with the demo: the token on every API call, media request and WebSocket upgrade; the
 * Host-header guard; request validation; media only from inside the dataset folder; engine crash →
 * in-flight request fails cleanly and the engine comes back.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { mediaKey, type InstanceDetail, type WorkspaceState } from '../../src-main/api/contract.ts';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { forkEngineSpawner } from '../../src-main/hosts/engine-client/fork-engine.ts';
import type { EngineSpawner } from '../../src-main/hosts/engine-client/engine-client.ts';
import { api, tempDir, waitFor } from './e2e-support.ts';

/**
 * The real forked engine, with a valve: while `holdNextCall` is set, the next call message is taken
 * from the host but never delivered, so it is in flight for certain when the test kills the engine.
 */
const valve = { holdNextCall: false, held: false };
const spawnEngine: EngineSpawner = () => {
  const port = forkEngineSpawner()();
  return {
    send: (message) => {
      if (valve.holdNextCall && message.type === 'call') {
        valve.holdNextCall = false;
        valve.held = true;
        return;
      }
      port.send(message);
    },
    onMessage: (listener) => port.onMessage(listener),
    onExit: (listener) => port.onExit(listener),
    kill: () => port.kill(),
  };
};

describe('web host boundaries', () => {
  let host: WebHost;
  let origin: string;

  beforeAll(async () => {
    // Generate the demo once up front, so the CLI and the host below never both generate it.
    await ensureDemo(PROJECT_ROOT);
    host = await startWebHost({ db: path.join(tempDir('posebench-webhost-'), 'workspace.sqlite'), log: () => undefined, spawnEngine });
    origin = new URL(host.url).origin;
  }, 180_000);

  afterAll(async () => {
    await host?.close();
  });

  const post = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('listens on 127.0.0.1 and prints a URL carrying the token', () => {
    const url = new URL(host.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(host.token);
    expect(host.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses API calls without the right token', async () => {
    expect((await post('workspace:get', {})).status).toBe(401);
    expect((await post('workspace:get', {}, { 'x-posebench-token': 'nope' })).status).toBe(401);
    expect((await post('workspace:get', {}, { 'x-posebench-token': `${host.token}x` })).status).toBe(401);
    const ok = await post('workspace:get', {}, { 'x-posebench-token': host.token });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { ok: boolean; result: WorkspaceState };
    expect(body.result.dataset?.isDemo).toBe(true);
  });

  it('validates requests against the contract', async () => {
    const unknown = await post('nope:nothing', {}, { 'x-posebench-token': host.token });
    expect(unknown.status).toBe(404);
    const invalid = await post('failures:list', { variantId: 'v1', joint: 99 }, { 'x-posebench-token': host.token });
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { ok: boolean; error: { message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.message).toContain('joint');
    const extra = await post('runs:list', { sneaky: 1 }, { 'x-posebench-token': host.token });
    expect(extra.status).toBe(400);
  });

  it('carries the kind of a user-facing error over the wire: bad request 400, unknown variant and wrong state answered (200) with their kind', async () => {
    const token = { 'x-posebench-token': host.token };
    const invalid = (await (await post('failures:list', { variantId: 'v1', joint: 99 }, token)).json()) as { error: { kind?: string } };
    expect(invalid.error.kind).toBe('bad-request');
    const missing = await post('variants:details', { variantId: 'v-nope' }, token);
    expect(missing.status).toBe(200);
    expect(((await missing.json()) as { ok: boolean; error: { name: string; kind?: string; message: string } }).error).toMatchObject({
      name: 'UserError',
      kind: 'not-found',
      message: 'unknown variant "v-nope"',
    });
    const cancel = await post('runs:cancel', { runId: 'r999' }, token);
    expect(((await cancel.json()) as { error: { kind?: string } }).error.kind).toBe('not-found');
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${origin}/`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('serves images only from inside the opened dataset folder, with the token', async () => {
    const detail = await api<InstanceDetail>(host.url, host.token, 'instance:get', { instanceIndex: 0, variantIds: [] });
    const good = await fetch(`${origin}/media/${detail.imageKey}?token=${host.token}`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toBe('image/jpeg');
    expect((await good.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    expect((await fetch(`${origin}/media/${detail.imageKey}`)).status).toBe(401);
    const datasetId = decodeURIComponent(detail.imageKey.split('/')[1]!);
    for (const sneaky of ['../annotations/mpii_val.json', '../../package.json', '/etc/passwd', '..\\..\\package.json']) {
      const response = await fetch(`${origin}/media/${mediaKey.image(datasetId, sneaky)}?token=${host.token}`);
      expect(response.status, sneaky).not.toBe(200);
    }
    // Raw (unencoded) dot segments are normalised away by URL parsing or refused.
    const raw = await fetch(`${origin}/media/img/${encodeURIComponent(datasetId)}/..%2F..%2F..%2Fpackage.json?token=${host.token}`);
    expect(raw.status).not.toBe(200);
    const thumb = await fetch(`${origin}/media/${mediaKey.thumb(datasetId, 0, 96)}?token=${host.token}`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
  });

  it('accepts the WebSocket only with the token and forwards engine events', async () => {
    const wsUrl = `${origin.replace('http', 'ws')}/events`;
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(`${wsUrl}?token=wrong`);
      socket.on('open', () => resolve('open'));
      socket.on('error', () => resolve('refused'));
    });
    expect(refused).toBe('refused');

    const socket = new WebSocket(`${wsUrl}?token=${host.token}`);
    await new Promise((resolve, reject) => {
      socket.on('open', resolve);
      socket.on('error', reject);
    });
    // Other events (a cancelled run's run:finished) may come first; the open must announce itself.
    const event = new Promise<{ event: string }>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { event: string };
        if (message.event === 'workspace:changed') resolve(message);
      }),
    );
    await api(host.url, host.token, 'workspace:open', { demo: true });
    expect((await event).event).toBe('workspace:changed');
    socket.close();
  });

  it('fails an in-flight request cleanly when the engine dies, then restarts it', async () => {
    const before = host.engine.restartCount;
    // The call has left the host (and will never be answered) when the engine is killed.
    valve.held = false;
    valve.holdNextCall = true;
    const inFlight = host.engine.call('metrics:table', {});
    await waitFor('the call to be sent', async () => (valve.held ? true : undefined), 30_000);
    host.engine.killForTest();
    await expect(inFlight).rejects.toMatchObject({ name: 'EngineCrashedError', message: expect.stringMatching(/restart/) });
    // The next request waits for the restarted engine, which reopens the last dataset.
    const state = await api<WorkspaceState>(host.url, host.token, 'workspace:get');
    expect(state.dataset?.isDemo).toBe(true);
    expect(host.engine.restartCount).toBe(before + 1);
  });
});
