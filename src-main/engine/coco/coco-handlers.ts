/**
 * The `coco:*` channels (issue 18) over the COCO session: import and remove results, and the views'
 * queries. Each change is announced, so open views refetch.
 */
import type { ApiHandlers } from '../../api/contract.ts';
import { UserError } from '../../core/errors.ts';
import { summaryOf, type CocoSession } from './coco-session.ts';
import { cocoImage, cocoMetrics, cocoPersons } from './coco-views.ts';

type CocoChannels = 'coco:variants' | 'coco:importResults' | 'coco:removeVariant' | 'coco:metrics' | 'coco:persons' | 'coco:image';

export function cocoHandlers(coco: CocoSession, changed: (reason: string) => void): Pick<ApiHandlers, CocoChannels> {
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
  };
}
