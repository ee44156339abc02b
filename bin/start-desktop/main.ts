/**
 * `npm start` (bin/start-desktop.js): the Electron app, or an explanation and the same UI in the
 * browser. `--sqlite-only` prepares better-sqlite3 for Electron and stops (npm run rebuild:electron,
 * npm run dist).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nodeEffects } from './node-effects.ts';
import { startDesktop } from './start-flow.ts';

const USAGE = `usage: npm start [-- --no-open]   (node bin/start-desktop.js [--no-open] [--sqlite-only])
  Starts the posebench desktop app: installs Electron's binary and better-sqlite3 for Electron when
  missing, builds the app and runs it. When a download fails it says why and serves the same UI in
  the browser instead (posebench serve).
  --no-open      in that fallback, print the URL without opening a browser
  --sqlite-only  only prepare better-sqlite3 for Electron (node_modules/.electron-abi)
`;

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function main(argv: readonly string[], projectRoot: string = PROJECT_ROOT): Promise<number> {
  let values: { 'no-open'?: boolean; 'sqlite-only'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { 'no-open': { type: 'boolean' }, 'sqlite-only': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`posebench: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    const outcome = await startDesktop(
      {
        projectRoot,
        open: values['no-open'] !== true,
        sqliteOnly: values['sqlite-only'] === true,
        overrideDistPath: process.env['ELECTRON_OVERRIDE_DIST_PATH'] || undefined,
      },
      nodeEffects({ projectRoot }),
    );
    return outcome.exitCode;
  } catch (error) {
    process.stderr.write(`posebench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
