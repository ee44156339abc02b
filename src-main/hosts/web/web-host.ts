/**
 * `posebench serve`: the workbench in a browser. HTTP + WebSocket on 127.0.0.1 only, guarded by a
 * per-launch random token that every API call, media request and the WebSocket upgrade must carry.
 * The engine (dataset, evaluation, ONNX runs) lives in a child process so ORT's blocking `run()`
 * never stalls this server.
 *
 *   GET  /?token=T              the built renderer (out/renderer); the page keeps the token
 *   POST /api/<channel>         JSON request → JSON response {ok, result | error}
 *   GET  /media/<key>?token=T   an image or thumbnail, only from inside opened dataset folders
 *   WS   /events?token=T        engine events
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { isChannel, parseRequest, type EventMap, type EventName } from '../../api/contract.ts';
import { EngineClient, type EngineSpawner } from '../engine/engine-client.ts';
import { forkEngineSpawner } from '../engine/fork-engine.ts';
import { isInsideFolder } from '../engine/path-safety.ts';
import { generateToken, tokensEqual } from './token.ts';
import { defaultCacheDir } from '../engine/workspace-defaults.ts';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface WebHostOptions {
  readonly dataset?: string;
  readonly models?: string;
  readonly port?: number;
  readonly db?: string;
  /** Folder of the built renderer (default <project>/out/renderer). */
  readonly rendererDir?: string;
  /** Engine process factory (default: fork engine-main.ts). */
  readonly spawnEngine?: EngineSpawner;
  readonly log?: (line: string) => void;
}

export interface WebHost {
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** The engine client (tests use it to check crash recovery). */
  readonly engine: EngineClient;
  close(): Promise<void>;
}

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const MAX_BODY_BYTES = 1_000_000;

export async function startWebHost(options: WebHostOptions = {}): Promise<WebHost> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[posebench] ${line}\n`));
  const token = generateToken();
  const rendererDir = path.resolve(options.rendererDir ?? path.join(PROJECT_ROOT, 'out', 'renderer'));
  const dbPath = options.db !== undefined ? path.resolve(options.db) : undefined;
  const sockets = new Set<WebSocket>();

  const broadcast = <E extends EventName>(event: E, payload: EventMap[E]): void => {
    const text = JSON.stringify({ event, payload });
    for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
  };

  const engine = new EngineClient(
    options.spawnEngine ?? forkEngineSpawner(),
    {
      dbPath,
      datasetDir: options.dataset !== undefined ? path.resolve(options.dataset) : undefined,
      modelsDir: options.models !== undefined ? path.resolve(options.models) : undefined,
      projectRoot: PROJECT_ROOT,
      cacheDir: defaultCacheDir(dbPath),
      openDemoByDefault: true,
    },
    { onEvent: broadcast, log },
  );
  await mkdir(defaultCacheDir(dbPath), { recursive: true });

  let allowedHosts = new Set<string>();
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { name: 'Error', message: 'internal error' } });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS-rebinding guard: only our own origin may talk to us.
    if (!allowedHosts.has(req.headers.host ?? '')) return sendText(res, 421, 'wrong host');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (url.pathname.startsWith('/media/')) return handleMedia(res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    return serveStatic(res, url.pathname);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'POST only');
    const given = headerValue(req.headers['x-posebench-token']);
    if (!tokensEqual(given, token)) return sendJson(res, 401, { ok: false, error: { name: 'Unauthorized', message: 'missing or wrong token' } });
    const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
    if (!isChannel(channel)) return sendJson(res, 404, { ok: false, error: { name: 'ApiRequestError', message: `unknown channel ${channel}` } });
    let payload: unknown;
    try {
      const body = await readBody(req);
      payload = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      return sendJson(res, 400, { ok: false, error: { name: 'ApiRequestError', message: `bad request body: ${String(error)}` } });
    }
    try {
      const request = parseRequest(channel, payload); // host-boundary validation
      const result = await engine.callUntyped(channel, request);
      sendJson(res, 200, { ok: true, result });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      sendJson(res, err.name === 'ApiRequestError' ? 400 : 200, { ok: false, error: { name: err.name, message: err.message } });
    }
  }

  async function handleMedia(res: http.ServerResponse, url: URL): Promise<void> {
    if (!tokensEqual(url.searchParams.get('token') ?? '', token)) return sendText(res, 401, 'missing or wrong token');
    const key = url.pathname.slice('/media/'.length);
    let resolved;
    try {
      resolved = await engine.resolveMedia(key);
    } catch (error) {
      return sendText(res, 404, error instanceof Error ? error.message : 'not found');
    }
    // Re-check containment here too: the host never streams a file outside the allowed folder.
    let real: string;
    try {
      real = await realpath(resolved.file);
      if (!isInsideFolder(real, await realpath(resolved.root))) return sendText(res, 403, 'outside the dataset folder');
      const info = await stat(real);
      if (!info.isFile()) return sendText(res, 404, 'not a file');
      res.writeHead(200, {
        'content-type': resolved.contentType,
        'content-length': info.size,
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
    } catch {
      return sendText(res, 404, 'not found');
    }
    createReadStream(real).pipe(res);
  }

  async function serveStatic(res: http.ServerResponse, pathname: string): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const file = path.resolve(rendererDir, relative);
    if (!isInsideFolder(file, rendererDir)) return sendText(res, 403, 'forbidden');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      if (relative === 'index.html') {
        return sendText(res, 503, 'The renderer is not built. Run `npm run build:renderer` and reload.');
      }
      return sendText(res, 404, 'not found');
    }
    res.writeHead(200, {
      'content-type': STATIC_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': relative === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      ...(relative === 'index.html' ? { 'content-security-policy': RENDERER_CSP, 'referrer-policy': 'no-referrer' } : {}),
    });
    res.end(body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!allowedHosts.has(req.headers.host ?? '') || url.pathname !== '/events' || !tokensEqual(url.searchParams.get('token') ?? '', token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => sockets.delete(ws));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  try {
    await engine.start();
  } catch (error) {
    server.close();
    await engine.close();
    throw error;
  }

  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url,
    token,
    port,
    engine,
    close: async () => {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

/** CSP of the page: our own scripts only; images from our media route (same origin) and blobs. */
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}
