/**
 * Browser transport for `posebench serve`: POST /api/<channel> with the launch token in a header,
 * events over a WebSocket (reconnecting), media through /media/<key>?token=.
 */
import type { Channel, EventMap, EventName, RequestInput, Response } from '../../src-main/api/contract.ts';
import { BridgeError, type Bridge } from './bridge.ts';
import { setConnection } from './connection.ts';

const TOKEN_STORAGE_KEY = 'posebench.token';

/** The token comes in the URL the host printed; the page keeps it for reloads of this tab. */
export function readLaunchToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_STORAGE_KEY) ?? '';
}

export function createWebBridge(token: string): Bridge {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let socket: WebSocket | null = null;
  let retryMs = 500;
  /** Closes since the socket was last open: one is a blip (reconnected at once), two say the server is gone. */
  let failures = 0;

  const connect = (): void => {
    const wsUrl = new URL('/events', window.location.href);
    wsUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    wsUrl.search = `?token=${encodeURIComponent(token)}`;
    wsUrl.hash = '';
    socket = new WebSocket(wsUrl);
    socket.onopen = () => {
      retryMs = 500;
      failures = 0;
      setConnection('ok');
    };
    socket.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      const { event, payload } = JSON.parse(message.data) as { event: EventName; payload: unknown };
      for (const listener of listeners.get(event) ?? []) (listener as (p: unknown) => void)(payload);
    };
    socket.onclose = () => {
      socket = null;
      failures += 1;
      if (failures >= 2) setConnection('lost');
      // Reconnect with backoff (the host may still be starting, was briefly busy, or is restarted).
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10_000);
    };
    // onerror is always followed by onclose; nothing to do here (a console error would be noise).
    socket.onerror = () => undefined;
  };
  connect();

  return {
    kind: 'web',
    async invoke<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
      let response: globalThis.Response;
      try {
        response = await fetch(`/api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-posebench-token': token },
          body: JSON.stringify(request ?? {}),
        });
      } catch {
        setConnection('lost');
        throw new BridgeError('TransportError', 'the posebench server is not answering');
      }
      let body: { ok: boolean; result?: unknown; error?: { name: string; message: string } };
      try {
        body = (await response.json()) as typeof body;
      } catch {
        throw new BridgeError('TransportError', `${channel}: HTTP ${response.status}`);
      }
      if (!body.ok) throw new BridgeError(body.error?.name ?? 'Error', body.error?.message ?? `${channel} failed`);
      return body.result as Response<C>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      let set = listeners.get(event);
      if (set === undefined) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    mediaUrl: (key: string) => `/media/${key}?token=${encodeURIComponent(token)}`,
  };
}
