/**
 * The web host answers every malformed request with a 4xx over real HTTP on 127.0.0.1 (real engine
 * process, temp workspace, the demo): an oversized body gets its 413 (not a reset), bad %-encoding a
 * 400, a non-JSON API POST a 415, a foreign Origin a 403 on API POSTs and on the WebSocket upgrade,
 * unknown routes a 404 — never a 500.
 */
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureDemo } from '../../src-main/demo/ensure-demo.ts';
import { startWebHost, type WebHost } from '../../src-main/hosts/web/web-host.ts';
import { PROJECT_ROOT } from '../support/shared-fixtures.ts';
import { tempDir } from './e2e-support.ts';

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

describe('web host: malformed requests get a 4xx', () => {
  let host: WebHost;
  let origin: string;
  let port: number;

  beforeAll(async () => {
    await ensureDemo(PROJECT_ROOT);
    host = await startWebHost({ db: path.join(tempDir('posebench-webhost-hardening-'), 'workspace.sqlite'), log: () => undefined });
    origin = new URL(host.url).origin;
    port = host.port;
  }, 180_000);

  afterAll(async () => {
    await host?.close();
  });

  /** One request with exactly these headers (node:http adds only Host, Connection and Content-Length). */
  const raw = (method: string, target: string, headers: Record<string, string> = {}, body?: string | Buffer): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const apiHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', 'x-posebench-token': host.token, ...extra });

  it('a 2 MB JSON body: 413 is answered (no connection reset), then the connection is closed', async () => {
    const big = JSON.stringify({ padding: 'x'.repeat(2_000_000) });
    const response = await fetch(`${origin}/api/workspace:get`, { method: 'POST', headers: apiHeaders(), body: big });
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('request body too large: more than 1000000 bytes');
    // The host is still fine.
    expect((await fetch(`${origin}/api/workspace:get`, { method: 'POST', headers: apiHeaders(), body: '{}' })).status).toBe(200);
  });

  it('bad %-encoding in a path: 400, in the API and for static files', async () => {
    const api = await raw('POST', '/api/%E0%A4%A', apiHeaders(), '{}');
    expect(api.status).toBe(400);
    expect(api.body).toMatch(/malformed %-encoding/);
    expect((await raw('GET', '/%E0%A4%A')).status).toBe(400);
    expect((await raw('GET', '/assets/%ZZ.js')).status).toBe(400);
  });

  it('an API POST that is not Content-Type: application/json: 415', async () => {
    const body = '{}';
    expect((await raw('POST', '/api/workspace:get', { 'x-posebench-token': host.token }, body)).status).toBe(415);
    expect((await raw('POST', '/api/workspace:get', apiHeaders({ 'content-type': 'text/plain' }), body)).status).toBe(415);
    expect((await raw('POST', '/api/workspace:get', apiHeaders({ 'content-type': 'application/x-www-form-urlencoded' }), body)).status).toBe(415);
    expect((await raw('POST', '/api/workspace:get', apiHeaders({ 'content-type': 'Application/JSON; charset=utf-8' }), body)).status).toBe(200);
  });

  it('an API POST from a foreign Origin is refused even with the token; own origin and no Origin pass', async () => {
    const body = '{}';
    const foreign = await raw('POST', '/api/workspace:get', apiHeaders({ origin: 'http://evil.example' }), body);
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toContain('"ok":true');
    expect((await raw('POST', '/api/workspace:get', apiHeaders({ origin: 'null' }), body)).status).toBe(403);
    expect((await raw('POST', '/api/workspace:get', apiHeaders({ origin: `http://localhost:${port}` }), body)).status).toBe(200);
    expect((await raw('POST', '/api/workspace:get', apiHeaders({ origin }), body)).status).toBe(200);
    expect((await raw('POST', '/api/workspace:get', apiHeaders(), body)).status).toBe(200);
  });

  it('a WebSocket upgrade with a foreign Origin and a valid token is refused; same origin or none is accepted', async () => {
    const url = `${origin.replace('http', 'ws')}/events?token=${host.token}`;
    const open = (options: WebSocket.ClientOptions) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(url, options);
        socket.on('open', () => {
          socket.close();
          resolve('open');
        });
        socket.on('unexpected-response', (_req, res) => {
          resolve(`refused ${res.statusCode}`);
          socket.terminate();
        });
        socket.on('error', () => resolve('error'));
      });
    expect(await open({ origin: 'http://evil.example' })).toBe('refused 403');
    expect(await open({ origin: `http://127.0.0.1:${port + 1}` })).toBe('refused 403');
    expect(await open({ origin })).toBe('open');
    expect(await open({})).toBe('open');
  });

  it('unknown routes are 404, never 500', async () => {
    for (const target of ['/no/such/page', '/assets/', '/assets/nothing.js', '/%00', '/media', '/index.html/x', '/..%2f..%2fpackage.json']) {
      const response = await raw('GET', target);
      expect(response.status, target).toBeGreaterThanOrEqual(400);
      expect(response.status, target).toBeLessThan(500);
    }
    expect((await raw('GET', '/no/such/page')).status).toBe(404);
    expect((await raw('POST', '/api/no:such', apiHeaders(), '{}')).status).toBe(404);
    expect((await raw('POST', '/api/workspace:get', apiHeaders(), '{"unterminated": ')).status).toBe(400);
  });
});
