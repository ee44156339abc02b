import { describe, expect, it } from 'vitest';
import { PosebenchInputError } from '../../../src-main/core/errors.ts';
import { parseCocoKeypointFile, parseCocoResultsFile } from '../../../src-main/formats/coco-keypoints.ts';

const NAMES = ['head', 'left_hand', 'right_hand'];

function gtFile(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    images: [
      { id: 7, file_name: 'a.jpg', width: 100, height: 80 },
      { id: 3, file_name: 'b.jpg' },
    ],
    annotations: [
      { id: 1, image_id: 7, category_id: 1, keypoints: [10, 10, 2, 0, 0, 0, 20, 30, 1], num_keypoints: 2, area: 400, bbox: [5, 5, 30, 40], iscrowd: 0 },
      { id: 2, image_id: 3, category_id: 1, iscrowd: 1, area: 900, bbox: [0, 0, 30, 30] },
      { id: 3, image_id: 3, category_id: 2, bbox: [0, 0, 1, 1], area: 1 },
    ],
    categories: [
      {
        id: 1,
        name: 'thing',
        keypoints: NAMES,
        skeleton: [
          [1, 2],
          [1, 3],
        ],
        sigmas: [0.05, 0.06, 0.07],
      },
      { id: 2, name: 'other' },
    ],
    ...overrides,
  };
}

function parseError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(PosebenchInputError);
    const message = (error as Error).message;
    expect(message.split('\n').length).toBe(1);
    return message;
  }
  throw new Error('expected an error');
}

describe('parseCocoKeypointFile', () => {
  it('reads the keypoint category, images and its annotations (crowd regions without keypoints as zeros)', () => {
    const file = parseCocoKeypointFile(JSON.stringify(gtFile()), 'gt.json');
    expect(file.category.keypoints).toEqual(NAMES);
    expect(Array.from(file.category.sigmas ?? [])).toEqual([0.05, 0.06, 0.07]);
    expect(file.category.skeleton).toEqual([
      [1, 2],
      [1, 3],
    ]);
    expect(file.images.map((im) => im.id)).toEqual([7, 3]);
    expect(file.annotations.length).toBe(2);
    expect(file.annotations[1]!.iscrowd).toBe(true);
    expect(Array.from(file.annotations[1]!.keypoints)).toEqual(new Array(9).fill(0));
    expect(file.annotations[1]!.numKeypoints).toBe(0);
    expect(file.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/1 annotations of other categories/)]);
  });

  it('names file and entry in one line for bad input', () => {
    const bad = gtFile();
    (bad['annotations'] as Record<string, unknown>[])[0]!['keypoints'] = [1, 2, 3];
    expect(parseError(() => parseCocoKeypointFile(JSON.stringify(bad), 'gt.json'))).toMatch(
      /^gt\.json \(annotations\[0\]\.keypoints\): has 3 values, expected 9/,
    );
    const dup = gtFile();
    (dup['annotations'] as Record<string, unknown>[])[1]!['id'] = 1;
    expect(parseError(() => parseCocoKeypointFile(JSON.stringify(dup), 'gt.json'))).toMatch(/annotations\[1\]\.id.*used twice/);
    expect(parseError(() => parseCocoKeypointFile(JSON.stringify(gtFile({ categories: [{ id: 1, name: 'x' }] })), 'gt.json'))).toMatch(
      /no category lists "keypoints"/,
    );
    expect(
      parseError(() => parseCocoKeypointFile(JSON.stringify(gtFile({ categories: [{ id: 1, keypoints: NAMES, sigmas: [1, 0, 1] }] })), 'gt.json')),
    ).toMatch(/sigma 1 \(left_hand\) is 0/);
    expect(parseError(() => parseCocoKeypointFile('{"images": [', 'gt.json'))).toMatch(/^gt\.json: malformed JSON at line 1/);
    expect(parseError(() => parseCocoKeypointFile('[]', 'gt.json'))).toMatch(/expected a COCO annotation object/);
  });
});

describe('parseCocoResultsFile', () => {
  const gt = parseCocoKeypointFile(JSON.stringify(gtFile()), 'gt.json');
  it('keeps the keypoint category, tells whether areas come from boxes (first entry decides)', () => {
    const res = parseCocoResultsFile(
      JSON.stringify([
        { image_id: 7, category_id: 1, keypoints: [1, 2, 0.5, 3, 4, 0.5, 5, 6, 0.5], score: 0.9 },
        { image_id: 3, category_id: 2, keypoints: [], score: 0.1 },
      ]),
      'res.json',
      gt,
    );
    expect(res.results.length).toBe(1);
    expect(res.areaFromBbox).toBe(false);
    const boxed = parseCocoResultsFile(
      JSON.stringify([{ image_id: 7, category_id: 1, keypoints: [1, 2, 0.5, 3, 4, 0.5, 5, 6, 0.5], score: 0.9, bbox: [0, 0, 5, 5] }]),
      'res.json',
      gt,
    );
    expect(boxed.areaFromBbox).toBe(true);
  });
  it('rejects unknown images and entries without a box when the first has one', () => {
    expect(parseError(() => parseCocoResultsFile(JSON.stringify([{ image_id: 99, category_id: 1, keypoints: [], score: 1 }]), 'res.json', gt))).toMatch(
      /res\.json \(\[0\]\.image_id\): image 99 is not in/,
    );
    const kps = [1, 2, 0.5, 3, 4, 0.5, 5, 6, 0.5];
    expect(
      parseError(() =>
        parseCocoResultsFile(
          JSON.stringify([
            { image_id: 7, category_id: 1, keypoints: kps, score: 0.9, bbox: [0, 0, 5, 5] },
            { image_id: 7, category_id: 1, keypoints: kps, score: 0.9 },
          ]),
          'res.json',
          gt,
        ),
      ),
    ).toMatch(/\[1\]\.bbox/);
    expect(parseError(() => parseCocoResultsFile('{"x": 1}', 'res.json', gt))).toMatch(/expected a COCO results list/);
  });
});
