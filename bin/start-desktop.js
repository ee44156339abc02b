#!/usr/bin/env node
// `npm start`: the desktop app, or why not and the same UI in the browser. The logic is TypeScript in
// bin/start-desktop/ (run through tsx, like bin/posebench.js); this file only hands it the arguments.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./start-desktop/main.ts');
process.exitCode = await main(process.argv.slice(2));
