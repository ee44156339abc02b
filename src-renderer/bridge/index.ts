import type { Bridge } from './bridge.ts';
import { createElectronBridge } from './electron-bridge.ts';
import { createWebBridge, readLaunchToken } from './web-transport.ts';

let bridge: Bridge | null = null;

/** Electron when the preload exposed `window.posebench`, the web transport otherwise. */
export function getBridge(): Bridge {
  if (bridge === null) bridge = window.posebench !== undefined ? createElectronBridge(window.posebench) : createWebBridge(readLaunchToken());
  return bridge;
}

export type { Bridge } from './bridge.ts';
