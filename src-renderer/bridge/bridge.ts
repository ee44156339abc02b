/**
 * The one interface the UI talks through. In Electron it wraps the preload's `window.posebench`;
 * in a browser it is the web transport (fetch + WebSocket with the launch token). Same shape.
 */
import type { Channel, EventMap, EventName, RequestInput, Response } from '../../src-main/api/contract.ts';

export interface Bridge {
  invoke<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>>;
  /** Subscribes to an engine event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** URL for a media key (image or thumbnail) that this host serves. */
  mediaUrl(key: string): string;
  readonly kind: 'electron' | 'web';
}

/** What Electron's preload exposes (frozen). */
export interface PreloadApi {
  invoke(channel: string, request: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    posebench?: PreloadApi;
  }
}

export class BridgeError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
