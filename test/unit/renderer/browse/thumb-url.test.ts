/**
 * Browse's thumbnail URLs: the key carries the overlay the engine must draw, and `rev` changes with
 * any drawn coordinate (so the browser's cache cannot show a thumbnail from before a GT edit).
 */
import { describe, expect, it } from 'vitest';
import { parseMediaKey, type InstanceBrief } from '../../../../src-main/api/contract.ts';
import { coordinatesRev, thumbMediaKey } from '../../../../src-renderer/browse/thumb-url.ts';

const gt = Array.from({ length: 32 }, (_, k) => (k === 5 ? null : k * 1.5));
const pred = Array.from({ length: 32 }, (_, k) => k + 0.25);
const item: InstanceBrief = { instanceIndex: 42, image: 'a.jpg', imageExists: true, crop: [0, 0, 100], gt, pred };

describe('Browse thumbnail URLs', () => {
  it('put the colours, the variant and a revision of the coordinates into the media key', () => {
    const parsed = parseMediaKey(thumbMediaKey('d7', item, 160, { gtColor: '#f5f5f5', variantId: 'v2', predColor: '#e69f00' }));
    expect(parsed).toEqual({
      kind: 'thumb',
      datasetId: 'd7',
      index: 42,
      size: 160,
      overlay: { gtColor: 'f5f5f5', variantId: 'v2', predColor: 'e69f00', rev: coordinatesRev(gt, pred) },
    });
    const gtOnly = parseMediaKey(thumbMediaKey('d7', item, 160, { gtColor: '#f5f5f5', variantId: null, predColor: '#e69f00' }));
    expect(gtOnly).toEqual({
      kind: 'thumb',
      datasetId: 'd7',
      index: 42,
      size: 160,
      overlay: { gtColor: 'f5f5f5', variantId: null, predColor: null, rev: coordinatesRev(gt, null) },
    });
  });

  it('change the revision when one coordinate moves, a joint goes missing, or the prediction is shown', () => {
    const rev = coordinatesRev(gt, null);
    expect(coordinatesRev([...gt], null)).toBe(rev);
    expect(
      coordinatesRev(
        gt.map((v, k) => (k === 3 ? 4.6 : v)),
        null,
      ),
    ).not.toBe(rev);
    expect(
      coordinatesRev(
        gt.map((v, k) => (k === 4 ? null : v)),
        null,
      ),
    ).not.toBe(rev);
    expect(coordinatesRev(gt, pred)).not.toBe(rev);
    expect(rev).toMatch(/^[0-9a-z]{1,7}$/);
  });
});
