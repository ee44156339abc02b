/**
 * Which MPII folder layout a dataset root uses, and where its files are.
 *
 * - mmpose: `annotations/mpii_{train,val}.json`, `annotations/mpii_gt_val.mat`, `images/`
 * - HRNet:  `annot/{train,valid}.json`, `annot/gt_valid.mat`, `images/`
 * (../shared/specs/mmpose-mpii.md §1.3–1.4). Only the val split has a gt `.mat`.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { makeWarning, PosebenchInputError, type InputWarning } from '../core/errors.ts';
import type { DatasetLayout, DatasetSplit } from '../core/types.ts';

interface LayoutFiles {
  readonly annotation: string;
  readonly gtMat: string | null;
}

/** Relative paths per layout and split; order = detection preference. */
export const DATASET_LAYOUT_FILES: Readonly<Record<DatasetLayout, Readonly<Record<DatasetSplit, LayoutFiles>>>> = {
  mmpose: {
    val: { annotation: 'annotations/mpii_val.json', gtMat: 'annotations/mpii_gt_val.mat' },
    train: { annotation: 'annotations/mpii_train.json', gtMat: null },
  },
  hrnet: {
    val: { annotation: 'annot/valid.json', gtMat: 'annot/gt_valid.mat' },
    train: { annotation: 'annot/train.json', gtMat: null },
  },
};

export const IMAGES_DIR_NAME = 'images';

const LAYOUTS: readonly DatasetLayout[] = ['mmpose', 'hrnet'];
const LAYOUT_LABEL: Readonly<Record<DatasetLayout, string>> = { mmpose: 'mmpose', hrnet: 'HRNet' };

export interface DetectedLayout {
  readonly root: string;
  readonly layout: DatasetLayout;
  readonly split: DatasetSplit;
  /** Absolute path of the json annotation file. */
  readonly annotationFile: string;
  /** Absolute path of the gt `.mat`; null for train, or when the val split has none (a warning says so). */
  readonly gtMatFile: string | null;
  /** Absolute path of the images folder (it may not exist: see openDataset's warnings). */
  readonly imagesDir: string;
  readonly warnings: InputWarning[];
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

function otherSplit(split: DatasetSplit): DatasetSplit {
  return split === 'val' ? 'train' : 'val';
}

/** Finds the layout of `root` for `split`; throws a PosebenchInputError listing what was looked for. */
export function detectDatasetLayout(root: string, split: DatasetSplit): DetectedLayout {
  const absRoot = path.resolve(root);
  const rootStat = statSync(absRoot, { throwIfNoEntry: false });
  if (rootStat === undefined) throw new PosebenchInputError({ file: root }, 'dataset folder does not exist');
  if (!rootStat.isDirectory()) throw new PosebenchInputError({ file: root }, 'expected a dataset folder, got a file');

  const found = LAYOUTS.filter((layout) => isFile(path.join(absRoot, DATASET_LAYOUT_FILES[layout][split].annotation)));
  const layout = found[0];
  if (layout === undefined) throw new PosebenchInputError({ file: root }, describeUnrecognised(absRoot, split));

  const warnings: InputWarning[] = [];
  if (found.length > 1) {
    warnings.push(makeWarning({ file: root }, `both an mmpose (annotations/) and an HRNet (annot/) layout are present; using the mmpose one`));
  }
  const files = DATASET_LAYOUT_FILES[layout][split];
  let gtMatFile: string | null = null;
  if (files.gtMat !== null) {
    const candidate = path.join(absRoot, files.gtMat);
    if (isFile(candidate)) gtMatFile = candidate;
    else warnings.push(makeWarning({ file: candidate }, 'ground-truth .mat not found: PCKh needs its head boxes (both mmpose protocols), so predictions cannot be scored'));
  }
  return {
    root: absRoot,
    layout,
    split,
    annotationFile: path.join(absRoot, files.annotation),
    gtMatFile,
    imagesDir: path.join(absRoot, IMAGES_DIR_NAME),
    warnings,
  };
}

/**
 * The error for scoring a dataset that has no gt `.mat`: names the dataset folder and the file looked
 * for there (not the workspace or an internal id). Both PCKh protocols take the head boxes from the
 * `.mat` (spec §2 step 4, §3), so nothing can be scored without it.
 */
export function missingGroundTruthError(dataset: { readonly root: string; readonly layout: DatasetLayout; readonly split: DatasetSplit }): PosebenchInputError {
  const files = DATASET_LAYOUT_FILES[dataset.layout];
  const layout = `${LAYOUT_LABEL[dataset.layout]} layout`;
  const wanted = files[dataset.split].gtMat;
  if (wanted === null) {
    return new PosebenchInputError({ file: dataset.root },
      `the ${dataset.split} split has no ground-truth .mat (${layout}): PCKh is computed on the val split, with ${files.val.gtMat ?? 'its gt .mat'}`);
  }
  return new PosebenchInputError({ file: dataset.root },
    `no ground-truth .mat: looked for ${wanted} (${layout}), which PCKh needs for the head boxes; put the val split's gt .mat there and open the folder again`);
}

function describeUnrecognised(absRoot: string, split: DatasetSplit): string {
  const lookedFor = LAYOUTS.map((layout) => `${DATASET_LAYOUT_FILES[layout][split].annotation} (${LAYOUT_LABEL[layout]} layout)`);
  let message = `not a recognised MPII dataset folder for the ${split} split: looked for ${lookedFor.join(' and ')}`;
  const other = otherSplit(split);
  const otherFound = LAYOUTS.find((layout) => isFile(path.join(absRoot, DATASET_LAYOUT_FILES[layout][other].annotation)));
  if (otherFound !== undefined) {
    message += `; found ${DATASET_LAYOUT_FILES[otherFound][other].annotation}, which is the ${other} split`;
  }
  const pickedAnnotationFolder = ['mpii_val.json', 'mpii_train.json', 'valid.json', 'train.json'].some((name) => isFile(path.join(absRoot, name)));
  if (pickedAnnotationFolder) message += '; this looks like the annotation folder itself: choose its parent folder';
  return message;
}
