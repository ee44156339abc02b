/**
 * Issue 15 and 16 channels over the workbench functions the CLI calls (analyze, qc, stats, compare,
 * report): error classes, the ground-truth review queue with its decisions, bootstrap intervals and
 * paired tests, the exported report. One code path per number: the engine adds variant ids and applies accepted proposals through
 * the corrections path (corrections.ts: one committed edit, undo works), nothing else.
 */
import { UserError } from '../core/errors.ts';
import type { ApiHandlers, CorrectionResult, ReviewVerdict } from '../api/contract.ts';
import { humanJointName } from '../core/joints.ts';
import { analyzeErrors } from '../workbench/analysis.ts';
import { proposalEdits, recordDecision, reviewQueue, type ReviewQueueItem } from '../workbench/gt-review-queue.ts';
import { compareVariants, loadStatisticsData, variantStatistics } from '../workbench/statistics.ts';
import { buildReport } from '../workbench/report/build-report.ts';
import { applyEdit, applyVisibilityGroup } from './corrections.ts';
import type { EngineSession } from './session.ts';

type AnalysisChannels = 'analysis:errorClasses' | 'review:queue' | 'review:decide' | 'stats:variant' | 'stats:compare' | 'report:build';

const VERDICTS: Record<'accept' | 'reject' | 'defer', ReviewVerdict> = { accept: 'fixed', reject: 'label_right', defer: 'later' };

export function analysisHandlers(session: EngineSession, changed: (reason: string) => void): Pick<ApiHandlers, AnalysisChannels> {
  /**
   * Variant names are unique per dataset: the workbench's results name variants, the UI keys on ids.
   * A variant the engine has not loaded (stored by a CLI run a moment ago) has no id yet: it is left
   * out until the engine reloads it, as every other table of the UI does.
   */
  const idOfName = (name: string): string | null => {
    for (const variant of session.variants.values()) if (variant.name === name) return variant.id;
    return null;
  };
  const withIds = <T extends { readonly name: string }>(items: readonly T[]): (T & { readonly variantId: string })[] =>
    items.flatMap((item) => {
      const variantId = idOfName(item.name);
      return variantId === null ? [] : [{ ...item, variantId }];
    });
  const nameOfId = (id: string): string => session.requireVariant(id).name;

  /**
   * Bootstrap answers (seconds of CPU on the engine's one thread) kept while what they depend on is
   * unchanged: the GT revision and each variant's current run, name and visibility (the session is
   * brought up to the workspace before every request), plus the request itself. Every open view
   * refetches on `workspace:changed`; without this, each refetch redid every bootstrap.
   */
  const memo = new Map<string, unknown>();
  const MEMO_ENTRIES = 32;
  const memoized = <T>(request: unknown, compute: () => T): T => {
    const dataset = session.requireDataset();
    const state = [...session.variants.values()].map((v) => `${v.id}:${v.currentRunId ?? '-'}:${v.hidden ? 1 : 0}:${v.name}`).join(',');
    const key = JSON.stringify([dataset.id, dataset.summary.gtRevision, state, request]);
    if (memo.has(key)) return memo.get(key) as T;
    const value = compute();
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value as string);
    memo.set(key, value);
    return value;
  };

  return {
    'analysis:errorClasses': async (req) => {
      session.requireDataset();
      const report = analyzeErrors(session.requireWorkbench(), { protocol: req.protocol });
      return { ...report, variants: withIds(report.variants) };
    },
    'review:queue': async () => {
      session.requireDataset();
      return reviewQueue(session.requireWorkbench());
    },
    'review:decide': async (req) => {
      session.requireDataset();
      const wb = session.requireWorkbench();
      const suspect = reviewQueue(wb).suspects.find((s) => s.id === req.suspectId);
      if (suspect === undefined)
        throw new UserError('not-found', `suspect ${req.suspectId} is not in the review queue (the ground truth or the predictions changed): reload the queue`);
      const verdict = VERDICTS[req.verdict];
      // A repeated key press (or a second window) must not apply a fix twice or stack identical rows.
      if (suspect.decision !== null && suspect.decision.verdict === verdict && (req.note ?? null) === suspect.decision.note) {
        return {
          suspectId: suspect.id,
          decision: suspect.decision,
          correction: null,
          message: `${suspect.kind} at instance ${suspect.index}: already decided (${verdict})`,
        };
      }
      const correction = req.verdict === 'accept' ? applyProposal(session, suspect) : null;
      // After the fix: the decision is judged on the corrected annotation, so undoing the fix brings the suspect back.
      const decision = recordDecision(wb, suspect, { suspectId: suspect.id, verdict, note: req.note ?? null });
      changed(correction !== null ? 'review proposal applied' : 'review decision');
      const what = req.verdict === 'accept' ? `applied: ${correction?.message ?? ''}` : req.verdict === 'reject' ? 'label kept as it is' : 'left for later';
      return { suspectId: suspect.id, decision, correction, message: `${suspect.kind} at instance ${suspect.index}: ${what}` };
    },
    'stats:variant': async (req) =>
      memoized(['stats:variant', req], () => {
        const data = loadStatisticsData(session.requireWorkbench(), { protocol: req.protocol });
        const { bootstrapResult: _typedArrays, variants, ...report } = variantStatistics(data, { replicates: req.bootstrap, seed: req.seed });
        return { ...report, variants: withIds(variants).map((v) => ({ variantId: v.variantId, name: v.name, columns: v.columns })) };
      }),
    'stats:compare': async (req) =>
      memoized(['stats:compare', req], () => {
        const a = nameOfId(req.a);
        const b = nameOfId(req.b);
        const data = loadStatisticsData(session.requireWorkbench(), { protocol: req.protocol, names: [a, b] });
        return { aId: req.a, bId: req.b, ...compareVariants(data, a, b, { replicates: req.bootstrap, seed: req.seed }) };
      }),
    'report:build': async (req) => {
      session.requireDataset();
      const report = buildReport(session.requireWorkbench(), {
        format: req.format,
        protocol: req.protocol,
        ci: req.ci,
        replicates: req.bootstrap,
        seed: req.seed,
      });
      return { fileName: report.fileName, mime: report.mime, text: report.bytes.toString('utf8'), bytes: report.bytes.length };
    },
  };
}

/** The suspect's proposal as one committed correction (a group when several rows), or a request error when there is none. */
function applyProposal(session: EngineSession, suspect: ReviewQueueItem): CorrectionResult {
  const edits = proposalEdits(suspect);
  if (edits === null)
    throw new UserError('bad-request', `${suspect.kind} at instance ${suspect.index} has no automatic fix: edit it by hand, then reject or defer it`);
  if (edits.kind === 'swap') return applyEdit(session, suspect.index, { kind: 'swap', pairs: edits.pairs.map(([a, b]) => [a, b] as [number, number]) });
  if (edits.kind === 'joint') return applyEdit(session, suspect.index, { kind: 'joint', joint: edits.joint, xy: [edits.xy[0], edits.xy[1]] });
  // Several joints marked missing: one undo step, as a multi-pair swap is (a shared group key).
  return applyVisibilityGroup(session, suspect.index, edits.joints, false, `marked ${edits.joints.map(humanJointName).join(', ')} missing`);
}
