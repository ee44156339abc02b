/** posebench demo [--force]: generate (or confirm) the embedded demo dataset and models. */
import { parseCommandArgs } from '../cli-args.ts';
import { ensureDemo } from '../../demo/ensure-demo.ts';
import { projectRoot } from '../../core/project-root.ts';

export async function runDemoCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('demo', argv, { force: { type: 'boolean' } });
  const started = performance.now();
  const demo = await ensureDemo(projectRoot(), { force: values.force === true });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${demo.generated ? `generated in ${seconds} s` : 'up to date'}\ndataset ${demo.datasetDir}\n${demo.modelFiles.map((file) => `model   ${file}`).join('\n')}\n`,
  );
  return 0;
}
