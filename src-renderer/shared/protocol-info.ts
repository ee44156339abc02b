/**
 * What the UI says about each PCKh protocol (spec ../shared/specs/mmpose-mpii.md §2 for 0.x, §3 for 1.x).
 */
import type { PckhProtocol } from '../../src-main/core/types.ts';

export interface ProtocolInfo {
  /** As the CLI spells it (`posebench eval --protocol …`). */
  readonly name: PckhProtocol;
  /** What mmpose calls the metric. */
  readonly source: string;
  /** One line next to the table heading; null for the default protocol. */
  readonly note: string | null;
  /** The full explanation (tooltip). */
  readonly details: string;
}

export const PROTOCOL_INFO: Readonly<Record<PckhProtocol, ProtocolInfo>> = {
  mmpose0x: {
    name: 'mmpose0x',
    source: 'mmpose 0.x TopDownMpiiDataset PCKh',
    note: null,
    details:
      'mmpose 0.x TopDownMpiiDataset.evaluate(metric="PCKh"): GT positions and visibility from the gt .mat ' +
      '(pos_gt_src, jnt_missing), float64 distances, a joint hits when error / head size <= threshold.',
  },
  mmpose1x: {
    name: 'mmpose1x',
    source: 'mmpose 1.x MpiiPCKAccuracy',
    note: 'differs from 0.x: strict <, json GT as float32',
    details:
      'mmpose 1.x MpiiPCKAccuracy. Differences from 0.x: a joint hits only when error / head size < threshold ' +
      '(strict <, not <=); GT positions and visibility come from the json (joints, joints_vis) as float32, ' +
      'not from the .mat; the distance is stored as float32; per-joint values are 100 * (hits / valid); ' +
      'a person with a zero-size head box is left out at 0.5 but counted in the 0.1 sweep. ' +
      'Head boxes come from the .mat in both protocols.',
  },
};
