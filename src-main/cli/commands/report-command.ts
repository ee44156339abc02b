/**
 * posebench report --dataset DIR [--db FILE] [--variant NAME ...] [--protocol mmpose0x|mmpose1x]
 *                  [--ci [--bootstrap B] [--seed S]] --format markdown|latex|csv|html --out FILE
 *
 * A paper-ready report of the variants' current runs (default: every visible variant with a finished
 * run): the MPII toolkit and mmpose table layouts, per joint, latency, parameters; html adds charts
 * and the run manifests (src-main/workbench/report/). FILE is written atomically and replaced when it
 * exists (a report is derived output, regenerated at will). Same workspace + seed → same bytes.
 */
import { writeFileAtomic } from '../../export/atomic-write.ts';
import { buildReport, REPORT_FORMATS } from '../../workbench/report/build-report.ts';
import { openWorkbench } from '../../workbench/workbench.ts';
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { STATISTICS_OPTIONS, statisticsSettings } from '../statistics-options.ts';

export async function runReportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('report', argv, {
    ...STATISTICS_OPTIONS,
    ci: { type: 'boolean' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  if (values.dataset === undefined) throw new CliUsageError('posebench report needs --dataset DIR');
  if (values.format === undefined) throw new CliUsageError(`posebench report needs --format ${REPORT_FORMATS.join('|')}`);
  if (values.out === undefined || values.out === '') throw new CliUsageError('posebench report needs --out FILE (the file to write)');
  const format = oneOf('format', values.format, REPORT_FORMATS, 'markdown');
  const { protocol, replicates, seed } = statisticsSettings(values);

  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    if (workbench.registration.status === 'reimported') process.stderr.write(`${workbench.registration.message}\n`);
    const report = buildReport(workbench, {
      format,
      protocol,
      ...(values.variant !== undefined ? { names: values.variant } : {}),
      ci: values.ci === true,
      replicates,
      seed,
    });
    const written = writeFileAtomic(values.out, report.bytes, { overwrite: true });
    process.stderr.write(`posebench report: wrote ${written.file} (${format}, ${written.bytes} bytes)\n`);
    return 0;
  } finally {
    workbench.close();
  }
}
