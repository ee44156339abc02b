/**
 * Preload (sandboxed, context-isolated): exposes ONE small frozen object to the page,
 * `window.posebench = { invoke(channel, request), on(event, listener) }`. No Node, no ipcRenderer
 * leaks: the page can only reach the two IPC channels below; main validates everything again.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const INVOKE = 'posebench:invoke';
const EVENT = 'posebench:event';

const api = Object.freeze({
  invoke(channel: string, request: unknown): Promise<unknown> {
    if (typeof channel !== 'string') return Promise.reject(new TypeError('channel must be a string'));
    return ipcRenderer.invoke(INVOKE, channel, request);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || typeof listener !== 'function') throw new TypeError('on(event: string, listener: function)');
    const wrapped = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(EVENT, wrapped);
    };
  },
});

contextBridge.exposeInMainWorld('posebench', api);
