/**
 * Host side of the engine process: sends calls, matches answers, forwards events, and restarts the
 * engine when it dies. ORT's `run()` blocks its process's event loop, which is why the engine is a
 * separate process at all; the host stays responsive (HTTP, IPC, media) while a run is going.
 *
 * If the engine exits unexpectedly, every in-flight request is rejected with EngineCrashedError and
 * a fresh engine is started (it reopens the last dataset from the workspace).
 */
import type { UserErrorKind } from '../../core/errors.ts';
import type { Channel, EventMap, EventName, RequestInput, Response } from '../../api/contract.ts';
import type { EngineConfig, EngineToHost, HostToEngine, ResolvedMedia } from '../../engine/protocol.ts';

/** A running engine process seen from the host: Node ChildProcess or Electron UtilityProcess. */
export interface EnginePort {
  send(message: HostToEngine): void;
  onMessage(listener: (message: EngineToHost) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type EngineSpawner = () => EnginePort;

export class EngineCrashedError extends Error {
  override readonly name = 'EngineCrashedError';
}

/** An error the engine answered a call with: its name, message and, for user-facing ones, their kind. */
export class EngineCallError extends Error {
  constructor(
    readonly remoteName: string,
    message: string,
    readonly kind?: UserErrorKind,
  ) {
    super(message);
    this.name = remoteName;
  }
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly description: string;
}

export interface EngineClientOptions {
  readonly onEvent?: <E extends EventName>(event: E, payload: EventMap[E]) => void;
  readonly log?: (line: string) => void;
  /** Restarts allowed within `restartWindowMs` before the client gives up (default 5 in 60 s). */
  readonly maxRestarts?: number;
  readonly restartWindowMs?: number;
}

export class EngineClient {
  private port: EnginePort | null = null;
  private readyPromise: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private restartTimes: number[] = [];
  private generation = 0;
  /** Number of times the engine was restarted after a crash (for tests and diagnostics). */
  restartCount = 0;

  constructor(
    private readonly spawn: EngineSpawner,
    private config: EngineConfig,
    private readonly options: EngineClientOptions = {},
  ) {}

  /** Starts the engine and waits until it has opened its workspace. */
  start(): Promise<void> {
    if (this.readyPromise === null) this.readyPromise = this.launch();
    return this.readyPromise;
  }

  async call<C extends Channel>(channel: C, payload: RequestInput<C>): Promise<Response<C>> {
    await this.start();
    return (await this.send((id) => ({ type: 'call', id, channel, payload }), channel)) as Response<C>;
  }

  /** Like `call`, for a channel name already checked by the caller, with an unvalidated payload. */
  async callUntyped(channel: Channel, payload: unknown): Promise<unknown> {
    await this.start();
    return this.send((id) => ({ type: 'call', id, channel, payload }), channel);
  }

  async resolveMedia(key: string): Promise<ResolvedMedia> {
    await this.start();
    return (await this.send((id) => ({ type: 'resolveMedia', id, key }), 'media')) as ResolvedMedia;
  }

  /** Kills the engine on purpose (tests use it to check crash handling). */
  killForTest(): void {
    this.port?.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    const port = this.port;
    this.port = null;
    this.failPending(new EngineCrashedError('engine closed: the request was not completed'));
    if (port === null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        port.kill();
        resolve();
      }, 3000);
      port.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      try {
        port.send({ type: 'shutdown' });
      } catch {
        clearTimeout(timer);
        port.kill();
        resolve();
      }
    });
  }

  private send(build: (id: number) => HostToEngine, description: string): Promise<unknown> {
    const port = this.port;
    if (port === null || this.closed) return Promise.reject(new EngineCrashedError('engine is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, description });
      try {
        port.send(build(id));
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  private launch(): Promise<void> {
    const generation = ++this.generation;
    const port = this.spawn();
    this.port = port;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      port.onMessage((message) => {
        if (generation !== this.generation) return;
        switch (message.type) {
          case 'ready':
            if (!settled) {
              settled = true;
              resolve();
            }
            return;
          case 'initFailed':
            if (!settled) {
              settled = true;
              reject(new EngineCallError(message.error.name, message.error.message, message.error.kind));
            }
            return;
          case 'result': {
            const pending = this.pending.get(message.id);
            if (pending === undefined) return;
            this.pending.delete(message.id);
            if (message.ok) pending.resolve(message.result);
            else pending.reject(new EngineCallError(message.error.name, message.error.message, message.error.kind));
            return;
          }
          case 'event':
            this.options.onEvent?.(message.event, message.payload);
            return;
        }
      });
      port.onExit((code) => {
        if (generation !== this.generation) return;
        this.port = null;
        this.failPending(new EngineCrashedError(`engine process exited (code ${code ?? 'signal'}) before answering; it is being restarted, retry the action`));
        if (!settled) {
          settled = true;
          reject(new EngineCrashedError(`engine process exited (code ${code ?? 'signal'}) while starting`));
          return;
        }
        if (!this.closed) this.scheduleRestart(code);
      });
      port.send({ type: 'init', config: this.config });
    });
  }

  private scheduleRestart(code: number | null): void {
    const now = Date.now();
    const windowMs = this.options.restartWindowMs ?? 60_000;
    this.restartTimes = this.restartTimes.filter((t) => now - t < windowMs);
    if (this.restartTimes.length >= (this.options.maxRestarts ?? 5)) {
      this.options.log?.(`engine crashed ${this.restartTimes.length} times within ${windowMs} ms; not restarting`);
      this.readyPromise = Promise.reject(new EngineCrashedError('engine keeps crashing; restart posebench'));
      this.readyPromise.catch(() => undefined);
      return;
    }
    this.restartTimes.push(now);
    this.restartCount += 1;
    this.options.log?.(`engine exited (code ${code ?? 'signal'}); restarting`);
    // The restarted engine reopens the last dataset from the workspace, not the launch arguments.
    this.config = { ...this.config, datasetDir: undefined, modelsDir: undefined, openDemoByDefault: true };
    this.readyPromise = this.launch();
    this.readyPromise.catch((error: unknown) => this.options.log?.(`engine restart failed: ${String(error)}`));
    this.options.onEvent?.('workspace:changed', { reason: 'engine restarted' });
  }

  private failPending(error: Error): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const pending of entries) pending.reject(new EngineCrashedError(`${pending.description}: ${error.message}`));
  }
}
