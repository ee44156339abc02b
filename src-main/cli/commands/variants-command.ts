/**
 * posebench variants ACTION --dataset DIR [--db FILE] [--format table|json] …
 *   list                          every variant of the dataset's workspace: kind, options, hidden, runs, latency
 *   history NAME                  its runs (newest first) with their manifests, and its latency history
 *   rename NAME NEW_NAME
 *   hide NAME | show NAME         hidden variants leave every table, chart and filter of the app; data kept
 *   set-options NAME [--flip-test | --no-flip-test] [--heatmap-refine shift|dark|none] [--simcc-split-ratio R]
 *               [--sigma-is-logit | --no-sigma-is-logit] [--clear]
 *                                 the next run is a new identity; earlier runs stay in the history
 *   remove NAME [--yes]           deletes it with its runs, predictions and latency history (says what first)
 * The same operations as the app's Runs view (workbench/variant-management.ts).
 */
import { CliUsageError, oneOf, parseCommandArgs } from '../cli-args.ts';
import { DECODER_OPTION_FLAGS, decoderOptionsFromFlags } from '../decoder-option-flags.ts';
import { snakeCaseKeys } from '../report-format.ts';
import { shownLatencyMeasurement } from '../../store/latency-repo.ts';
import { currentRun, listRuns } from '../../store/runs-repo.ts';
import { listVariants, variantFootprint } from '../../store/variants-repo.ts';
import { decoderOptionsFrom, describeDecoderOptions } from '../../workbench/run-identity.ts';
import {
  describeRemoval,
  removeVariant,
  renameVariantTo,
  setVariantOptions,
  setVariantVisibility,
  variantByName,
  variantHistory,
} from '../../workbench/variant-management.ts';
import { openWorkbench, type Workbench } from '../../workbench/workbench.ts';

const ACTIONS = ['list', 'history', 'rename', 'hide', 'show', 'set-options', 'remove'] as const;

export async function runVariantsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'variants',
    argv,
    {
      dataset: { type: 'string' },
      db: { type: 'string' },
      format: { type: 'string' },
      yes: { type: 'boolean' },
      clear: { type: 'boolean' },
      ...DECODER_OPTION_FLAGS,
    },
    true,
  );
  const [actionWord, ...args] = positionals;
  if (actionWord === undefined) throw new CliUsageError(`posebench variants needs an action: ${ACTIONS.join(', ')}`);
  const action = oneOf('action', actionWord, ACTIONS, 'list');
  if (values.dataset === undefined) throw new CliUsageError('posebench variants needs --dataset DIR');
  const format = oneOf('format', values.format, ['table', 'json'] as const, 'table');
  const needName = (count: number, usage: string) => {
    if (args.length !== count) throw new CliUsageError(`posebench variants ${action} ${usage}`);
  };
  const workbench = openWorkbench({ datasetRoot: values.dataset, dbFile: values.db });
  try {
    switch (action) {
      case 'list':
        needName(0, '(no further arguments)');
        return print(format, listing(workbench), formatListing);
      case 'history': {
        needName(1, 'NAME');
        const history = variantHistory(workbench, variantByName(workbench, args[0]!).id);
        const json = {
          variant: history.variant.name,
          options: history.optionsLabel,
          runs: history.runs.map(({ run, manifest, current }) => ({
            run: run.id,
            status: run.status,
            current,
            created_at: run.createdAt,
            finished_at: run.finishedAt,
            manifest: snakeCaseKeys(manifest),
          })),
          latency: history.latency.map((m) =>
            snakeCaseKeys({ measuredAt: m.measuredAt, run: m.runId, n: m.n, medianMs: m.medianMs, p5Ms: m.p5Ms, p95Ms: m.p95Ms, environment: m.environment }),
          ),
        };
        return print(format, json, () => formatHistory(json));
      }
      case 'rename': {
        needName(2, 'NAME NEW_NAME');
        const renamed = renameVariantTo(workbench, variantByName(workbench, args[0]!).id, args[1]!);
        process.stderr.write(`renamed "${args[0]}" to "${renamed.name}"\n`);
        return 0;
      }
      case 'hide':
      case 'show': {
        needName(1, 'NAME');
        setVariantVisibility(workbench, variantByName(workbench, args[0]!).id, action === 'hide');
        process.stderr.write(`${action === 'hide' ? 'hid' : 'showing'} "${args[0]}"\n`);
        return 0;
      }
      case 'set-options': {
        needName(1, `NAME ${'[decoder flags] [--clear]'}`);
        const options = values.clear ? {} : decoderOptionsFromFlags(values);
        if (!values.clear && Object.keys(options).length === 0)
          throw new CliUsageError("posebench variants set-options needs decoder flags, or --clear for the sidecar's options");
        const updated = setVariantOptions(workbench, variantByName(workbench, args[0]!).id, options);
        const label = describeDecoderOptions(decoderOptionsFrom(updated.decoderOptions));
        process.stderr.write(
          `"${updated.name}": ${label === '' ? "the sidecar's decoder options" : label}; its next run is a new run (earlier runs stay in its history)\n`,
        );
        return 0;
      }
      case 'remove': {
        needName(1, 'NAME [--yes]');
        const variant = variantByName(workbench, args[0]!);
        if (!values.yes) {
          const footprint = variantFootprint(workbench.workspace, variant.id);
          process.stderr.write(
            `posebench variants remove would delete "${variant.name}" with ${footprint.runs} runs, ${footprint.predictions} stored predictions and ${footprint.latencyMeasurements} latency measurements (its file is not touched); add --yes to remove it\n`,
          );
          return 1;
        }
        process.stderr.write(`${describeRemoval(removeVariant(workbench, variant.id))}\n`);
        return 0;
      }
    }
  } finally {
    workbench.close();
  }
}

interface ListedVariant {
  readonly name: string;
  readonly kind: string;
  readonly source: string;
  readonly options: string;
  readonly hidden: boolean;
  readonly runs: number;
  readonly current_run: number | null;
  readonly latency_median_ms: number | null;
  readonly latency_p5_ms: number | null;
  readonly latency_p95_ms: number | null;
}

function listing(wb: Workbench): { variants: ListedVariant[] } {
  return {
    variants: listVariants(wb.workspace, { datasetId: wb.datasetRecord.id }).map((variant) => {
      const current = currentRun(wb.workspace, wb.datasetRecord.id, variant.id);
      const latency = shownLatencyMeasurement(wb.workspace, variant.id, current?.identityKey);
      return {
        name: variant.name,
        kind: variant.kind,
        source: variant.sourcePath,
        options: describeDecoderOptions(decoderOptionsFrom(variant.decoderOptions)),
        hidden: variant.hidden,
        runs: listRuns(wb.workspace, { datasetId: wb.datasetRecord.id, variantId: variant.id }).length,
        current_run: current?.id ?? null,
        latency_median_ms: latency?.medianMs ?? null,
        latency_p5_ms: latency?.p5Ms ?? null,
        latency_p95_ms: latency?.p95Ms ?? null,
      };
    }),
  };
}

function formatListing(json: { variants: ListedVariant[] }): string {
  const width = Math.max(8, ...json.variants.map((v) => v.name.length));
  const lines = [`${'variant'.padEnd(width)}  ${'kind'.padEnd(8)} ${'runs'.padStart(4)}  ${'ms 1-thr'.padStart(8)}  options / state`];
  for (const v of json.variants) {
    const ms = v.latency_median_ms === null ? '—' : v.latency_median_ms.toFixed(2);
    const state = [v.options, v.hidden ? 'hidden' : ''].filter(Boolean).join('; ');
    lines.push(`${v.name.padEnd(width)}  ${v.kind.padEnd(8)} ${String(v.runs).padStart(4)}  ${ms.padStart(8)}  ${state}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatHistory(json: {
  variant: string;
  options: string;
  runs: { run: number; status: string; current: boolean; finished_at: string | null; manifest: unknown }[];
  latency: unknown[];
}): string {
  const lines = [`${json.variant}${json.options ? ` (${json.options})` : ''}`, 'runs (newest first):'];
  for (const run of json.runs) {
    const manifest = run.manifest as { source?: { sha256?: string } } | null;
    lines.push(
      `  #${run.run} ${run.status}${run.current ? ' (current)' : ''} ${run.finished_at ?? ''} ${manifest?.source?.sha256?.slice(0, 12) ?? ''}`.trimEnd(),
    );
  }
  lines.push('latency (newest first):');
  for (const item of json.latency as { measured_at: string; median_ms: number; p5_ms: number | null; p95_ms: number; n: number }[]) {
    lines.push(
      `  ${item.measured_at}  median ${item.median_ms.toFixed(2)} ms, p5–p95 ${item.p5_ms?.toFixed(2) ?? '?'}–${item.p95_ms.toFixed(2)} ms, n = ${item.n}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function print<T>(format: 'table' | 'json', json: T, table: (json: T) => string): number {
  process.stdout.write(format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : table(json));
  return 0;
}
