/** Bridge over the Electron preload's frozen `window.posebench` object. */
import type { Channel, EventMap, EventName, RequestInput, Response } from '../../src-main/api/contract.ts';
import { BridgeError, type Bridge, type PreloadApi } from './bridge.ts';

/** Scheme registered by the Electron main process (hosts/electron/media-protocol.ts). */
export const ELECTRON_MEDIA_SCHEME = 'posebench-media';

export function createElectronBridge(api: PreloadApi): Bridge {
  return {
    kind: 'electron',
    async invoke<C extends Channel>(channel: C, request: RequestInput<C>): Promise<Response<C>> {
      const reply = (await api.invoke(channel, request ?? {})) as { ok: boolean; result?: unknown; error?: { name: string; message: string } };
      if (!reply.ok) throw new BridgeError(reply.error?.name ?? 'Error', reply.error?.message ?? `${channel} failed`);
      return reply.result as Response<C>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      return api.on(event, listener as (payload: unknown) => void);
    },
    mediaUrl: (key: string) => `${ELECTRON_MEDIA_SCHEME}://m/${key}`,
  };
}
