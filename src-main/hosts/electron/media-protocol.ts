/**
 * `posebench-media://m/<media key>`: images and thumbnails for the renderer, resolved by the engine
 * and served only when the real path lies inside an opened dataset's images folder (or the
 * thumbnail cache). Everything else is 403/404.
 */
import { readFile, realpath } from 'node:fs/promises';
import { protocol } from 'electron';
import type { EngineClient } from '../engine-client/engine-client.ts';
import { isInsideFolder } from '../../core/path-safety.ts';

export const MEDIA_SCHEME = 'posebench-media';

/** Must run before `app.ready`. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function handleMediaProtocol(engine: EngineClient): void {
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'm' || request.method !== 'GET') return new Response('not found', { status: 404 });
    const key = url.pathname.replace(/^\//, '');
    try {
      const resolved = await engine.resolveMedia(key);
      const file = await realpath(resolved.file);
      if (!isInsideFolder(file, await realpath(resolved.root))) return new Response('forbidden', { status: 403 });
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { 'content-type': resolved.contentType, 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
