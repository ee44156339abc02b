/** The corrections scenario on a synthetic dataset folder (runs without ../shared). */
import { describeCorrectionScenario } from './correction-scenario.ts';
import { makeTempDir, removeDir, writeSyntheticDataset } from './export-test-support.ts';

describeCorrectionScenario('export after corrections (synthetic dataset, real workspace)', async () => {
  const root = makeTempDir('synthetic');
  await writeSyntheticDataset(root);
  return { root, cleanup: () => removeDir(root) };
});
