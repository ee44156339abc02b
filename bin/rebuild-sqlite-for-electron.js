#!/usr/bin/env node
// Builds better-sqlite3's native addon for Electron's ABI into node_modules/.electron-abi/, leaving the
// plain-Node build (used by the CLI, the web host and the tests) untouched. The Electron main process
// passes the resulting path to better-sqlite3 as `nativeBinding` (see src-main/store/workspace.ts).
// Needs Electron's headers (downloaded by node-gyp from electronjs.org), so it runs on a developer's
// or packager's machine, not in this project's offline CI.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = require('electron/package.json').version;
const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const target = path.join(projectRoot, 'node_modules', '.electron-abi', 'better-sqlite3');

rmSync(target, { recursive: true, force: true });
mkdirSync(path.dirname(target), { recursive: true });
cpSync(source, target, { recursive: true, filter: (file) => !file.includes(`${path.sep}build${path.sep}`) });
execFileSync(
  'npm',
  ['exec', '--yes', '--', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'],
  { cwd: target, stdio: 'inherit' },
);
const binding = path.join(target, 'build', 'Release', 'better_sqlite3.node');
if (!existsSync(binding)) throw new Error(`node-gyp finished but ${binding} is missing`);
process.stdout.write(`${binding}\n`);
