#!/usr/bin/env node
// The posebench CLI. The core is TypeScript run through tsx, so `npx posebench` works right after
// `npm ci` without a separate compile step.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src-main/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
