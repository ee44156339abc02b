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
 *
 * Every malformed request gets a 4xx answer, never a reset or a 500: bad %-encoding → 400, a body
 * over MAX_BODY_BYTES → 413 (read to its end, answered, connection closed), an API POST that is not
 * `Content-Type: application/json` → 415, unknown routes → 404.
 *
 * Origin policy (API POSTs and the WebSocket upgrade): a request that carries an `Origin` header must
 * come from this host's own origin (http://127.0.0.1:PORT or http://localhost:PORT), otherwise 403.
 * Browsers always send Origin on a cross-origin POST (Fetch standard, "origin header") and on every
 * WebSocket handshake (RFC 6455 §4.1), so another web page cannot reach the API or the event stream
 * even if it learnt the token. A request WITHOUT Origin is allowed: only non-browser clients (the
 * tests' fetch, curl, scripts) send none, and they still need the token. `Origin: null` (sandboxed
 * frames, file: pages) is refused like any foreign origin.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { type EventMap, type EventName } from '../../api/contract.ts';
import { isChannel, parseRequest } from '../../api/request-schemas.ts';
import { EngineCallError, EngineClient, type EngineSpawner } from '../engine-client/engine-client.ts';
import { UserError } from '../../core/errors.ts';
import { forkEngineSpawner } from '../engine-client/fork-engine.ts';
import { isInsideFolder } from '../../core/path-safety.ts';
import { printableExcerpt } from '../../core/printable-excerpt.ts';
import { describeV8Reason } from '../../formats/json-text.ts';
import { generateToken, tokensEqual } from './token.ts';
import { defaultCacheDir } from '../../store/workspace-path.ts';

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
/**
 * A body over MAX_BODY_BYTES is still read (and dropped) up to this size before the 413 is sent:
 * closing a connection with unread request data makes the kernel reset it, and the client then sees
 * a reset instead of the answer. Beyond this, the 413 is sent at once and the connection closed.
 */
const MAX_DRAINED_BODY_BYTES = 64 * 1024 * 1024;

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
  let allowedOrigins = new Set<string>();
  const server = http.createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      // Malformed %-encoding that reached a decodeURIComponent not guarded below: still the client's fault.
      if (error instanceof URIError && !res.headersSent) return sendText(res, 400, 'bad request: malformed %-encoding');
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { name: 'Error', message: 'internal error' } });
      else res.destroy();
    });
  });

  /** See the Origin policy in the header comment. */
  const originAllowed = (req: http.IncomingMessage): boolean => {
    const origin = req.headers.origin;
    return origin === undefined || allowedOrigins.has(origin);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // DNS-rebinding guard: only our own origin may talk to us.
    if (!allowedHosts.has(req.headers.host ?? '')) return sendText(res, 421, 'wrong host');
    const url = parseRequestUrl(req.url);
    if (url === undefined) return sendText(res, 400, 'bad request: malformed URL');
    if (url.pathname.startsWith('/api/')) return handleApi(req, res, url);
    if (url.pathname.startsWith('/media/')) return handleMedia(res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    return serveStatic(res, url.pathname);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return sendText(res, 405, 'POST only');
    if (!originAllowed(req)) return sendJson(res, 403, { ok: false, error: { name: 'Forbidden', message: 'cross-origin request refused' } });
    const given = headerValue(req.headers['x-posebench-token']);
    if (!tokensEqual(given, token)) return sendJson(res, 401, { ok: false, error: { name: 'Unauthorized', message: 'missing or wrong token' } });
    if (!isJsonContentType(req.headers['content-type'])) {
      return sendJson(res, 415, {
        ok: false,
        error: { name: 'UserError', kind: 'bad-request', message: 'the request body must be Content-Type: application/json' },
      });
    }
    const channel = safeDecodeURIComponent(url.pathname.slice('/api/'.length));
    if (channel === undefined)
      return sendJson(res, 400, { ok: false, error: { name: 'UserError', kind: 'bad-request', message: 'bad request: malformed %-encoding in the channel' } });
    if (!isChannel(channel)) {
      return sendJson(res, 404, { ok: false, error: { name: 'UserError', kind: 'bad-request', message: `unknown channel ${printableExcerpt(channel)}` } });
    }
    let payload: unknown;
    try {
      const body = await readBody(req);
      payload = body.length === 0 ? {} : JSON.parse(body);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        return sendJson(res, 413, { ok: false, error: { name: 'UserError', kind: 'bad-request', message: error.message } }, { connection: 'close' });
      }
      const reason = error instanceof SyntaxError ? describeV8Reason(error.message) : printableExcerpt(String(error));
      return sendJson(res, 400, { ok: false, error: { name: 'UserError', kind: 'bad-request', message: `bad request body: ${reason}` } });
    }
    try {
      const request = parseRequest(channel, payload); // host-boundary validation
      const result = await engine.callUntyped(channel, request);
      sendJson(res, 200, { ok: true, result });
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // A malformed request is the caller's fault (400); any other refusal is a normal answer the UI shows.
      const kind = error instanceof EngineCallError || error instanceof UserError ? error.kind : undefined;
      sendJson(res, kind === 'bad-request' ? 400 : 200, { ok: false, error: { name: err.name, message: err.message, ...(kind ? { kind } : {}) } });
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
    const decoded = safeDecodeURIComponent(pathname);
    if (decoded === undefined) return sendText(res, 400, 'bad request: malformed %-encoding');
    // A NUL makes fs calls throw: no such file can exist anyway.
    if (decoded.includes('\0')) return sendText(res, 404, 'not found');
    const relative = pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
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
    const url = parseRequestUrl(req.url);
    const refuse = (status: string): void => {
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    if (
      !allowedHosts.has(req.headers.host ?? '') ||
      url === undefined ||
      url.pathname !== '/events' ||
      !tokensEqual(url.searchParams.get('token') ?? '', token)
    ) {
      return refuse('401 Unauthorized');
    }
    // A web page of another origin may open a WebSocket to any host (no CORS for WebSockets): the
    // Origin header, which browsers always send on the handshake, is the guard.
    if (!originAllowed(req)) return refuse('403 Forbidden');
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
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

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

class BodyTooLargeError extends Error {}

/** The request target as a URL, or undefined when it cannot be parsed. */
function parseRequestUrl(target: string | undefined): URL | undefined {
  try {
    return new URL(target ?? '/', 'http://127.0.0.1');
  } catch {
    return undefined;
  }
}

/** decodeURIComponent, or undefined for malformed %-encoding (which makes it throw URIError). */
export function safeDecodeURIComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** `application/json`, with or without parameters (`; charset=utf-8`), any case (RFC 9110 §8.3.1). */
export function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json';
}

/**
 * The request body as text, at most MAX_BODY_BYTES. A larger body is read to its end and dropped
 * (up to MAX_DRAINED_BODY_BYTES), then BodyTooLargeError: the caller answers 413 on a connection
 * that has no unread data left, so the client gets the answer rather than a reset.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const tooLargeError = () => new BodyTooLargeError(`request body too large: more than ${MAX_BODY_BYTES} bytes`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_DRAINED_BODY_BYTES) {
      reject(tooLargeError());
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_DRAINED_BODY_BYTES) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        reject(tooLargeError());
        return;
      }
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => (tooLarge ? reject(tooLargeError()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extraHeaders,
  });
  res.end(text);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(text);
}
