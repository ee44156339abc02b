/**
 * posebench serve [--dataset DIR] [--models DIR] [--port N] [--db FILE]
 * The UI's API over HTTP + WebSocket on 127.0.0.1 with a per-launch token; prints the URL to open.
 */
import { parseCommandArgs, positiveInteger } from '../cli-args.ts';

export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('serve', argv, {
    dataset: { type: 'string' },
    models: { type: 'string' },
    port: { type: 'string' },
    db: { type: 'string' },
  });
  const { startWebHost } = await import('../../hosts/web/web-host.ts');
  const host = await startWebHost({
    ...(values.dataset !== undefined ? { dataset: values.dataset } : {}),
    ...(values.models !== undefined ? { models: values.models } : {}),
    ...(values.db !== undefined ? { db: values.db } : {}),
    port: positiveInteger('port', values.port, 0),
  });
  process.stdout.write(`posebench is serving on ${host.url}\nOpen that URL in a browser (it carries this launch's token). Ctrl+C stops.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  return 0;
}
