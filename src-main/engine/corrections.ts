/**
 * Engine side of ground-truth correction (issue 6): edits, undo/redo, re-evaluation against the
 * original annotations, and export, over the core's corrections layer (store/corrections-repo.ts).
 *
 * Every call commits before it answers: one `corrections:apply` is one transaction (a multi-pair
 * swap is several correction rows in ONE transaction, tagged with a shared group key (a column), and undone /
 * redone together). The in-memory view is then re-scored (EngineSession.refreshGroundTruth).
 */
import { TargetExistsError, UserError } from '../core/errors.ts';
import { headSizeOfBox } from '../core/geometry.ts';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  METRIC_COLUMNS,
  type CorrectionEditRequest,
  type CorrectionHistory,
  type CorrectionResult,
  type ExportResult,
  type InstanceGroundTruth,
  type MetricColumn,
  type Reevaluation,
  type ReevaluationVariant,
} from '../api/contract.ts';
import { humanJointName } from '../core/joints.ts';
import type { PckhProtocol } from '../core/types.ts';
import type { PckhReport } from '../evaluation/pckh.ts';
import { describeExport, exportAnnotations, type ExportFormat } from '../export/export-annotations.ts';
import {
  applyCorrection,
  correctionHistory,
  correctionLog,
  redoCorrection,
  instanceState,
  undoCorrection,
  type CorrectionEdit,
  type CorrectionEntry,
} from '../store/corrections-repo.ts';
import { reevaluateRun } from '../workbench/reevaluate.ts';
import type { EngineSession } from './session.ts';

/** Note carried by every row of a grouped edit (e.g. swapping the whole skeleton). */

export function historyOf(session: EngineSession): CorrectionHistory {
  const dataset = session.requireDataset();
  const history = correctionHistory(session.requireWs(), dataset.storeId!);
  return {
    gtRevision: dataset.summary.gtRevision,
    canUndo: history.canUndo,
    canRedo: history.canRedo,
    undoCount: history.undoCount,
    redoCount: history.redoCount,
    correctedInstanceCount: dataset.summary.correctedInstanceCount,
  };
}

function instanceIdOf(session: EngineSession, instanceIndex: number): number {
  const id = session.instanceIds[instanceIndex];
  if (id === undefined) throw new UserError('not-found', `instance ${instanceIndex} does not exist (the dataset has ${session.instanceIds.length})`);
  return id;
}

function indexOfInstance(session: EngineSession, instanceId: number): number | null {
  const index = session.instanceIds.indexOf(instanceId);
  return index < 0 ? null : index;
}

/** The instance as the editor shows it: effective positions (kept for joints marked missing) and head box. */
export function instanceGroundTruth(session: EngineSession, instanceIndex: number): InstanceGroundTruth {
  const ws = session.requireWs();
  const dataset = session.requireDataset();
  const instanceId = instanceIdOf(session, instanceIndex);
  const state = instanceState(ws, instanceId);
  const box = state.headBox;
  return {
    instanceIndex,
    joints: state.joints.map((j) => ({ xy: j.xy ? [j.xy[0], j.xy[1]] : null, visible: j.visible })),
    headBox: box ? [box[0], box[1], box[2], box[3]] : null,
    headSize: box ? headSizeOfBox(box[0], box[1], box[2], box[3]) : null,
    corrected: correctionLog(ws, dataset.storeId!, { instanceId }).some((e) => e.status === 'active'),
    gtRevision: dataset.summary.gtRevision,
  };
}

function describeEdit(edit: CorrectionEditRequest): string {
  switch (edit.kind) {
    case 'joint':
      return `moved ${humanJointName(edit.joint)}`;
    case 'visibility':
      return `marked ${humanJointName(edit.joint)} ${edit.visible ? 'present' : 'missing'}`;
    case 'headbox':
      return 'changed the head box';
    case 'swap':
      return edit.pairs.length === 1
        ? `swapped ${humanJointName(edit.pairs[0]![0])} and ${humanJointName(edit.pairs[0]![1])}`
        : `swapped left and right (${edit.pairs.length} pairs)`;
  }
}

/** Core errors (RangeError for a bad value, Error for a retired instance) reach the UI as request errors. */
function asRequestError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) throw new UserError('bad-request', error.message);
    throw error;
  }
}

export function applyEdit(session: EngineSession, instanceIndex: number, edit: CorrectionEditRequest): CorrectionResult {
  const ws = session.requireWs();
  session.requireDataset();
  const instanceId = instanceIdOf(session, instanceIndex);
  asRequestError(() => {
    if (edit.kind === 'swap') {
      const groupKey = edit.pairs.length > 1 ? randomUUID() : undefined;
      // Nested transactions are savepoints: all pairs commit together or not at all.
      ws.db
        .transaction(() => {
          for (const pair of edit.pairs) applyCorrection(ws, { instanceId, kind: 'swap', joints: pair, ...(groupKey ? { groupKey } : {}) });
        })
        .immediate();
    } else {
      // A nudge burst shares one group key, so undo/redo step over it as over a multi-pair swap.
      const burstNote = edit.kind === 'joint' && edit.burst !== undefined ? { groupKey: `burst-${edit.burst}` } : {};
      const core: CorrectionEdit =
        edit.kind === 'joint'
          ? { instanceId, kind: 'joint', joint: edit.joint, xy: [edit.xy[0], edit.xy[1]], ...burstNote }
          : edit.kind === 'visibility'
            ? { instanceId, kind: 'visibility', joint: edit.joint, visible: edit.visible }
            : { instanceId, kind: 'headbox', box: [edit.box[0], edit.box[1], edit.box[2], edit.box[3]] };
      applyCorrection(ws, core);
    }
  });
  session.refreshGroundTruth();
  return { history: historyOf(session), instanceIndex, message: `instance ${instanceIndex}: ${describeEdit(edit)}` };
}

/**
 * Joints of one instance marked missing (or present) together: one transaction, one undo step (a
 * shared group key, as a multi-pair swap). For review proposals that hide several joints.
 */
export function applyVisibilityGroup(
  session: EngineSession,
  instanceIndex: number,
  joints: readonly number[],
  visible: boolean,
  message: string,
): CorrectionResult {
  const ws = session.requireWs();
  session.requireDataset();
  const instanceId = instanceIdOf(session, instanceIndex);
  const groupKey = joints.length > 1 ? randomUUID() : undefined;
  asRequestError(() => {
    ws.db
      .transaction(() => {
        for (const joint of joints) applyCorrection(ws, { instanceId, kind: 'visibility', joint, visible, ...(groupKey ? { groupKey } : {}) });
      })
      .immediate();
  });
  session.refreshGroundTruth();
  return { history: historyOf(session), instanceIndex, message: `instance ${instanceIndex}: ${message}` };
}

function groupOf(entry: CorrectionEntry | null): string | null {
  return entry?.groupKey ?? null;
}

/** Undo (or redo) one edit; a grouped edit is undone (redone) as a whole, in one transaction. */
export function stepHistory(session: EngineSession, direction: 'undo' | 'redo'): CorrectionResult {
  const ws = session.requireWs();
  const datasetId = session.requireDataset().storeId!;
  const step = direction === 'undo' ? undoCorrection : redoCorrection;
  const entry = ws.db
    .transaction(() => {
      const first = step(ws, datasetId);
      const group = groupOf(first);
      if (group !== null) {
        // Next in line: newest active (undo) or oldest undone (redo) of the dataset; same group → step again.
        for (
          let next = nextInLine(correctionLog(ws, datasetId), direction);
          next !== null && next.groupKey === group;
          next = nextInLine(correctionLog(ws, datasetId), direction)
        ) {
          step(ws, datasetId);
        }
      }
      return first;
    })
    .immediate();
  if (entry === null) {
    return { history: historyOf(session), instanceIndex: null, message: `nothing to ${direction}` };
  }
  session.refreshGroundTruth();
  const index = indexOfInstance(session, entry.instanceId);
  const what = entry.kind === 'joint' || entry.kind === 'visibility' ? `${entry.kind} edit of ${humanJointName(entry.joint ?? 0)}` : `${entry.kind} edit`;
  return { history: historyOf(session), instanceIndex: index, message: `${direction === 'undo' ? 'undid' : 'redid'} the ${what} on instance ${index ?? '?'}` };
}

function nextInLine(log: readonly CorrectionEntry[], direction: 'undo' | 'redo'): CorrectionEntry | null {
  if (direction === 'undo') {
    for (let k = log.length - 1; k >= 0; k--) if (log[k]!.status === 'active') return log[k]!;
    return null;
  }
  return log.find((e) => e.status === 'undone') ?? null;
}

const pct = (value: number | null | undefined): number | null => (value === null || value === undefined || !Number.isFinite(value) ? null : value);

function metricValues(report: PckhReport): Record<MetricColumn, number | null> {
  return Object.fromEntries(METRIC_COLUMNS.map((c) => [c, pct(report.metrics[c])])) as Record<MetricColumn, number | null>;
}

/** Every variant with a stored finished run, scored against the original and the corrected GT under `protocol`. */
export function reevaluate(session: EngineSession, protocol: PckhProtocol = session.requireDataset().protocol): Reevaluation {
  const ws = session.requireWs();
  const dataset = session.requireDataset();
  const variants: ReevaluationVariant[] = [];
  for (const variant of session.variants.values()) {
    if (variant.evaluation === null) continue;
    const runId = session.latestDoneRunId(variant);
    if (runId === null) continue;
    const result = reevaluateRun(ws, runId, protocol);
    variants.push({
      variantId: variant.id,
      variantName: variant.name,
      originalPerJoint: result.original.perJoint.map((p) => pct(p.pckh)),
      correctedPerJoint: result.corrected.perJoint.map((p) => pct(p.pckh)),
      originalValues: metricValues(result.original),
      correctedValues: metricValues(result.corrected),
      changes: result.changes.map((c) => ({
        instanceIndex: indexOfInstance(session, c.instanceId) ?? c.entryIndex,
        image: c.image,
        joint: c.joint,
        before: c.before,
        after: c.after,
        errorBefore: c.errorBefore,
        errorAfter: c.errorAfter,
      })),
    });
  }
  return { protocol, gtRevision: dataset.summary.gtRevision, correctedInstanceCount: dataset.summary.correctedInstanceCount, variants };
}

/** Writes the effective GT where the user said; never over an existing file unless asked. */
export function exportFromUi(session: EngineSession, format: ExportFormat, outFile: string, overwrite: boolean): ExportResult {
  const dataset = session.requireDataset();
  const workbench = session.workbench;
  if (workbench === null) throw new UserError('conflict', 'no workspace is open');
  if (!path.isAbsolute(outFile)) throw new UserError('bad-request', `output path must be absolute, got ${JSON.stringify(outFile)}`);
  let summary;
  try {
    summary = exportAnnotations({ workspace: session.requireWs(), datasetId: dataset.storeId!, dataset: workbench.dataset, format, outFile, overwrite });
  } catch (error) {
    // The remedy is the app's own: its Overwrite box (the CLI says --force).
    if (error instanceof TargetExistsError) throw new UserError('conflict', `${error.message} (tick "Overwrite")`);
    throw error;
  }
  return { ...summary, message: describeExport(summary) };
}
