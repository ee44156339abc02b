/**
 * Child process for durability.test.ts: opens the workspace, commits `count` corrections one by one
 * (each its own transaction, as the editor does), then starts one more edit inside a transaction that
 * it never commits, reports over stdout, and waits to be killed with the database held open.
 * Usage: node --import tsx durability-child.ts <workspace file> <instance id> <count>
 */
import { applyCorrection } from '../../../src-main/store/corrections-repo.ts';
import { openWorkspace } from '../../../src-main/store/workspace.ts';

const [file, instanceArg, countArg] = process.argv.slice(2);
if (!file || !instanceArg || !countArg) throw new Error('usage: durability-child.ts <file> <instance id> <count>');
const instanceId = Number(instanceArg);
const count = Number(countArg);

const ws = openWorkspace(file);
for (let i = 0; i < count; i += 1) {
  applyCorrection(ws, { kind: 'joint', instanceId, joint: i % 16, xy: [100 + i, 200 + i], note: `committed ${i}` });
}
process.stdout.write(`COMMITTED ${count}\n`);

// An edit in flight: inside an open transaction, never committed.
ws.db.exec('BEGIN IMMEDIATE');
applyCorrection(ws, { kind: 'joint', instanceId, joint: 0, xy: [-5, -5], note: 'never committed' });
process.stdout.write('IN-FLIGHT\n');
setInterval(() => {}, 60_000);
