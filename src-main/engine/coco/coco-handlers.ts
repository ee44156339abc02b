/**
 * The `coco:*` channels (issue 18) over the COCO session: import and remove results, and the views'
 * queries. Each change is announced, so open views refetch.
 */
import type { ApiHandlers } from '../../api/contract.ts';
import { UserError } from '../../core/errors.ts';
import type { CocoRuns } from './coco-runs.ts';
import { summaryOf, type CocoSession } from './coco-session.ts';
import { cocoCompare, cocoDecide, cocoImage, cocoMetrics, cocoPersons, cocoReviewView } from './coco-views.ts';

type CocoChannels =
  | 'coco:variants'
  | 'coco:importResults'
  | 'coco:removeVariant'
  | 'coco:metrics'
  | 'coco:persons'
  | 'coco:image'
  | 'coco:correct'
  | 'coco:undo'
  | 'coco:redo'
  | 'coco:history'
  | 'coco:export'
  | 'coco:review'
  | 'coco:decide'
  | 'coco:compare'
  | 'coco:runModel'
  | 'coco:runs';

export function cocoHandlers(coco: CocoSession, runs: CocoRuns, changed: (reason: string) => void): Pick<ApiHandlers, CocoChannels> {
  const inRange = <T>(compute: () => T): T => {
    try {
      return compute();
    } catch (error) {
      if (error instanceof RangeError) throw new UserError('not-found', error.message);
      throw error;
    }
  };
  return {
    'coco:variants': async () => (coco.open === null ? [] : coco.variantSummaries()),
    'coco:importResults': async (req) => {
      const { variant, message } = coco.importResults(req.file, req.name);
      changed('COCO results imported');
      return { ...summaryOf(variant), message };
    },
    'coco:removeVariant': async (req) => {
      const name = coco.removeVariant(req.variantId);
      changed('COCO variant removed');
      return { removed: req.variantId, message: `Removed ${name}` };
    },
    'coco:metrics': async () => cocoMetrics(coco),
    'coco:persons': async (req) => inRange(() => cocoPersons(coco, req)),
    'coco:image': async (req) => inRange(() => cocoImage(coco, req.imageId, req.variantIds)),
    'coco:correct': async (req) => {
      coco.correct(req.index, req.edit, req.burst ?? null);
      changed('ground truth corrected');
      return correctionResult(req.index);
    },
    'coco:undo': async () => stepped(coco.step('undo'), 'correction undone'),
    'coco:redo': async () => stepped(coco.step('redo'), 'correction redone'),
    'coco:history': async () => correctionResult(null),
    'coco:review': async () => cocoReviewView(coco),
    'coco:decide': async (req) => {
      const decided = inRange(() => cocoDecide(coco, req.suspectId, req.verdict));
      changed('COCO review decision');
      return decided;
    },
    'coco:compare': async (req) => inRange(() => cocoCompare(coco, req)),
    'coco:runModel': async (req) => runs.start(req.modelPath, req.name, req.bboxFile),
    'coco:runs': async () => runs.list(),
    'coco:export': async (req) => {
      const result = coco.exportAnnotations(req.outFile, req.overwrite);
      const message =
        result.edited === 0
          ? `Wrote ${result.file}: no annotation is corrected, so it is the original file byte for byte`
          : `Wrote ${result.file}: ${result.edited} corrected annotation${result.edited === 1 ? '' : 's'}, everything else as in the original`;
      return { ...result, message };
    },
  };

  function correctionResult(index: number | null) {
    const history = coco.history();
    return { index, gtRevision: coco.require().summary.gtRevision, undo: history.undo, redo: history.redo };
  }

  function stepped(index: number | null, reason: string) {
    if (index !== null) changed(reason);
    return correctionResult(index);
  }
}
