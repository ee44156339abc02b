/**
 * posebench export --dataset DIR --format mpii-json|mpii-mat|coco --out FILE [--db FILE] [--force]
 *
 * Writes the dataset's effective ground truth (originals + the workspace's active corrections) to
 * FILE, atomically; an existing FILE is replaced only with --force. Prints one line to stderr saying
 * what was written. Conventions per format: src-main/export/export-{mpii-json,mpii-mat,coco}.ts.
 */
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { describeExport, exportAnnotations, EXPORT_FORMATS } from '../../export/export-annotations.ts';
import { openWorkbench } from '../../workbench/workbench.ts';

export async function runExportCommand(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('export', argv, {
    dataset: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    db: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (values.dataset === undefined) throw new CliUsageError('posebench export needs --dataset DIR');
  if (values.format === undefined) throw new CliUsageError(`posebench export needs --format ${EXPORT_FORMATS.join('|')}`);
  if (values.out === undefined || values.out === '') throw new CliUsageError('posebench export needs --out FILE (the file to write)');
  const format = oneOf('format', values.format, EXPORT_FORMATS, 'mpii-json');

  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    if (workbench.registration.status === 'reimported') process.stderr.write(`${workbench.registration.message}\n`);
    const summary = exportAnnotations({
      workspace: workbench.workspace,
      datasetId: workbench.datasetRecord.id,
      dataset: workbench.dataset,
      format,
      outFile: values.out,
      overwrite: values.force === true,
    });
    process.stderr.write(`posebench export: ${describeExport(summary)}\n`);
    return 0;
  } finally {
    workbench.close();
  }
}
