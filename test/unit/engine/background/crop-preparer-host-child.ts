/**
 * Child process for crop-preparer.test.ts: an engine stand-in that starts crop preparation over the
 * demo images, holds it once crops are being made, prints the worker's pid, and waits to be killed.
 * Usage: node --import tsx crop-preparer-host-child.ts <cache dir>
 */
import { readdirSync } from 'node:fs';
import { projectRoot } from '../../../../src-main/core/project-root.ts';
import { openDataset } from '../../../../src-main/datasets/open-dataset.ts';
import { ensureDemo } from '../../../../src-main/demo/ensure-demo.ts';
import { CropPreparer } from '../../../../src-main/engine/background/crop-preparation/crop-preparer.ts';

const [dir] = process.argv.slice(2);
if (dir === undefined) throw new Error('usage: crop-preparer-host-child.ts <cache dir>');
const dataset = openDataset((await ensureDemo(projectRoot())).datasetDir);
let may = true;
const preparer = new CropPreparer({ cache: { dir, budgetBytes: 2 ** 31 }, mayWork: () => may, pollMs: 20 });
const persons = dataset.persons.flatMap((p, i) => Array.from({ length: 8 }, (_, k) => ({ ...p, entryIndex: i * 8 + k, scale: p.scale * (1 + k / 64) })));
preparer.request({ key: 'host-child', persons, imagesDir: dataset.imagesDir, sizes: [{ width: 256, height: 256 }] });
const made = () => readdirSync(dir, { recursive: true }).filter((name) => String(name).endsWith('.rgb')).length;
const timer = setInterval(() => {
  let count: number;
  try {
    count = made();
  } catch {
    return; // the folder is not there yet
  }
  if (count > 0 && may) {
    may = false;
    setTimeout(() => process.stdout.write(`HELD ${preparer.status().pid} ${preparer.status().state}\n`), 200);
    clearInterval(timer);
  }
}, 20);
setInterval(() => {}, 60_000);
