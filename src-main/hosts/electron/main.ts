/**
 * The Electron app (issue 5). The main process owns the window, the menu and security; the engine
 * (dataset, evaluation, ONNX runs) runs in a utilityProcess and is restarted if it crashes, failing
 * in-flight requests cleanly (EngineClient). Only files in this folder import `electron`.
 *
 * Security: contextIsolation, sandbox, no nodeIntegration, a CSP on every response, IPC accepted only
 * from our own window's main frame and validated with the contract's zod schemas, navigation and new
 * windows blocked, permission requests denied, images through posebench-media:// only from inside
 * opened dataset folders.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, utilityProcess, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import { UserError } from '../../core/errors.ts';
import { isEventName, type Channel, type EventMap, type EventName, type RequestInput } from '../../api/contract.ts';
import { isChannel, parseRequest } from '../../api/request-schemas.ts';
import { EngineCallError, EngineClient, type EnginePort } from '../engine-client/engine-client.ts';
import type { EngineToHost } from '../../engine/protocol.ts';
import { defaultCacheDir } from '../../store/workspace-path.ts';
import { handleMediaProtocol, registerMediaScheme } from './media-protocol.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(HERE, '..', 'preload', 'preload.cjs');
const ENGINE_ENTRY = path.join(HERE, 'engine-utility.js');
const RENDERER_INDEX = path.join(HERE, '..', 'renderer', 'index.html');
const PROJECT_ROOT = app.isPackaged ? app.getPath('userData') : path.resolve(HERE, '..', '..');

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: posebench-media:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

registerMediaScheme();

let mainWindow: BrowserWindow | null = null;

function spawnEngine(): EnginePort {
  const child = utilityProcess.fork(ENGINE_ENTRY, [], {
    serviceName: 'posebench-engine',
    stdio: 'inherit',
    // better-sqlite3 built for Electron's ABI (npm start / npm run rebuild:electron fetch it). Packaged,
    // POSEBENCH_ROOT names the app's own folder so the engine reports posebench's version.
    env: {
      ...process.env,
      POSEBENCH_SQLITE_BINDING: process.env.POSEBENCH_SQLITE_BINDING ?? electronSqliteBinding(),
      ...(app.isPackaged ? { POSEBENCH_ROOT: app.getAppPath() } : {}),
    },
  });
  return {
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', (message: unknown) => listener(message as EngineToHost)),
    onExit: (listener) => child.on('exit', (code) => listener(code)),
    kill: () => {
      child.kill();
    },
  };
}

function electronSqliteBinding(): string {
  // Installers ship the same Electron build as a resource (electron-builder.yml extraResources), so
  // node_modules keeps one build per runtime and nothing is rebuilt in place.
  if (app.isPackaged) return path.join(process.resourcesPath, 'better-sqlite3', 'better_sqlite3.node');
  return path.join(PROJECT_ROOT, 'node_modules', '.electron-abi', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
}

const engine = new EngineClient(
  spawnEngine,
  { projectRoot: PROJECT_ROOT, cacheDir: defaultCacheDir(undefined), openDemoByDefault: true },
  {
    onEvent: <E extends EventName>(event: E, payload: EventMap[E]) => {
      if (isEventName(event)) mainWindow?.webContents.send('posebench:event', event, payload);
    },
    log: (line) => console.error(`[posebench] ${line}`),
  },
);

/** IPC only from our own window's top frame, showing our own page. */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  if (mainWindow === null || event.sender !== mainWindow.webContents) return false;
  const frame = event.senderFrame;
  if (frame === null || frame !== mainWindow.webContents.mainFrame) return false;
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl !== undefined && !app.isPackaged) return frame.url.startsWith(devUrl);
  return frame.url.startsWith(pathToFileURL(RENDERER_INDEX).href);
}

ipcMain.handle('posebench:invoke', async (event, channel: unknown, request: unknown) => {
  if (!trustedSender(event)) return { ok: false, error: { name: 'Forbidden', message: 'IPC from an untrusted frame' } };
  if (!isChannel(channel)) return { ok: false, error: { name: 'UserError', kind: 'bad-request', message: `unknown channel ${String(channel)}` } };
  try {
    const validated = parseRequest(channel, request);
    return { ok: true, result: await engine.callUntyped(channel, validated) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const kind = error instanceof EngineCallError || error instanceof UserError ? error.kind : undefined;
    return { ok: false, error: { name: err.name, message: err.message, ...(kind ? { kind } : {}) } };
  }
});

async function callFromMenu<C extends Channel>(channel: C, request: RequestInput<C>): Promise<void> {
  try {
    await engine.call(channel, request);
  } catch (error) {
    dialog.showErrorBox('posebench', error instanceof Error ? error.message : String(error));
  }
}

function buildMenu(): void {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      {
        label: 'Open dataset folder…',
        accelerator: 'CmdOrCtrl+O',
        click: async () => {
          const result = await dialog.showOpenDialog(mainWindow!, { title: 'Open an MPII dataset folder', properties: ['openDirectory'] });
          const dir = result.filePaths[0];
          if (!result.canceled && dir !== undefined) await callFromMenu('workspace:open', { datasetDir: dir });
        },
      },
      {
        label: 'Add model…',
        accelerator: 'CmdOrCtrl+M',
        click: async () => {
          const result = await dialog.showOpenDialog(mainWindow!, {
            title: 'Add an ONNX pose model',
            properties: ['openFile', 'multiSelections'],
            filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
          });
          if (!result.canceled) for (const modelPath of result.filePaths) await callFromMenu('variants:addModel', { modelPath });
        },
      },
      {
        label: 'Import predictions…',
        accelerator: 'CmdOrCtrl+I',
        click: async () => {
          const result = await dialog.showOpenDialog(mainWindow!, {
            title: 'Import predictions',
            properties: ['openFile'],
            filters: [{ name: 'Predictions', extensions: ['json', 'mat'] }],
          });
          const file = result.filePaths[0];
          if (result.canceled || file === undefined) return;
          const base = await dialog.showMessageBox(mainWindow!, {
            type: 'question',
            message: 'Coordinate base of the predictions',
            detail: 'mmpose writes 0-based pixels; MATLAB tools (e.g. the original hourglass releases) write 1-based pixels.',
            buttons: ['0-based (mmpose)', '1-based (MATLAB)', 'Cancel'],
            cancelId: 2,
          });
          if (base.response === 2) return;
          await callFromMenu('variants:importPredictions', { file, coordinateBase: base.response === 1 ? 1 : 0 });
        },
      },
      { type: 'separator' },
      { label: 'Open demo', click: () => void callFromMenu('workspace:open', { demo: true }) },
      { type: 'separator' },
      { role: 'quit' },
    ],
  };
  // Undo/Redo edit the ground truth (the renderer decides: inside a text field it undoes typing).
  const sendEditCommand = (command: EventMap['edit:command']['command']) => mainWindow?.webContents.send('posebench:event', 'edit:command', { command });
  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => sendEditCommand('undo') },
      { label: 'Redo', accelerator: 'CmdOrCtrl+Shift+Z', click: () => sendEditCommand('redo') },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    edit,
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function createWindow(): Promise<void> {
  mainWindow = new BrowserWindow({
    width: 1440,
    height: 920,
    backgroundColor: '#15171c',
    title: 'posebench',
    show: false,
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  const contents = mainWindow.webContents;
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl !== undefined && !app.isPackaged) await mainWindow.loadURL(devUrl);
  else await mainWindow.loadFile(RENDERER_INDEX);
}

app.enableSandbox();

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  handleMediaProtocol(engine);
  buildMenu();
  // Opens the last dataset, or the demo the first time (EngineConfig.openDemoByDefault).
  engine.start().catch((error: unknown) => dialog.showErrorBox('posebench engine', error instanceof Error ? error.message : String(error)));
  await createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting) return;
  quitting = true;
  event.preventDefault();
  void engine.close().finally(() => app.quit());
});
