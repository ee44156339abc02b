/**
 * Engine process side of the protocol: validates every request with the contract's zod schema,
 * dispatches it to the handlers, and sends events. Transport-neutral: `engine-main.ts` adapts a
 * forked Node child, `hosts/electron/engine-utility.ts` an Electron utilityProcess.
 */
import { type ApiHandlers, type Channel, type EventMap, type EventName } from '../api/contract.ts';
import { isChannel, parseRequest } from '../api/request-schemas.ts';
import { toErrorPayload, type EngineConfig, type EngineToHost, type HostToEngine, type ResolvedMedia } from './protocol.ts';

export interface EngineSidePort {
  send(message: EngineToHost): void;
  onMessage(listener: (message: HostToEngine) => void): void;
}

export type EmitEvent = <E extends EventName>(event: E, payload: EventMap[E]) => void;

export interface EngineService {
  readonly handlers: ApiHandlers;
  resolveMedia(key: string): Promise<ResolvedMedia>;
  close(): Promise<void>;
}

export type EngineServiceFactory = (config: EngineConfig, emit: EmitEvent) => Promise<EngineService>;

export function serveEngine(port: EngineSidePort, createService: EngineServiceFactory, exit: (code: number) => void): void {
  let service: EngineService | null = null;
  let starting: Promise<EngineService> | null = null;
  const emit: EmitEvent = (event, payload) => port.send({ type: 'event', event, payload });

  port.onMessage((message) => {
    switch (message.type) {
      case 'init':
        if (starting !== null) return;
        starting = createService(message.config, emit);
        starting.then(
          (created) => {
            service = created;
            port.send({ type: 'ready' });
          },
          (error: unknown) => port.send({ type: 'initFailed', error: toErrorPayload(error) }),
        );
        return;
      case 'call':
        void answer(message.id, () => dispatch(service, message.channel, message.payload));
        return;
      case 'resolveMedia':
        void answer(message.id, () => {
          if (service === null) throw new Error('engine not initialised');
          return service.resolveMedia(message.key);
        });
        return;
      case 'shutdown':
        void (async () => {
          try {
            await service?.close();
          } finally {
            exit(0);
          }
        })();
        return;
    }
  });

  async function answer(id: number, work: () => Promise<unknown>): Promise<void> {
    try {
      const result = await work();
      port.send({ type: 'result', id, ok: true, result });
    } catch (error) {
      port.send({ type: 'result', id, ok: false, error: toErrorPayload(error) });
    }
  }
}

async function dispatch(service: EngineService | null, channel: string, payload: unknown): Promise<unknown> {
  if (service === null) throw new Error('engine not initialised');
  if (!isChannel(channel)) throw new Error(`unknown channel ${JSON.stringify(channel)}`);
  return callHandler(service.handlers, channel, payload);
}

/** Validates `payload` against the channel's schema, then calls its handler. */
export function callHandler<C extends Channel>(handlers: ApiHandlers, channel: C, payload: unknown): Promise<unknown> {
  const request = parseRequest(channel, payload);
  const handler = handlers[channel] as (req: typeof request) => Promise<unknown>;
  return handler(request);
}
