/**
 * COCO-format keypoint dataset folders: detection (`annotations/*.json` that is not an MPII layout),
 * opening (the annotation file, the keypoint category's sigmas, the image folder if any).
 *
 *   DIR/annotations/person_keypoints_val2017.json   (or any one COCO keypoint json there)
 *   DIR/val2017/ | DIR/images/ | DIR/train2017/       (optional: only model runs need the pixels)
 *
 * `--dataset` may also name the annotation json itself; its images are then looked for beside the
 * `annotations/` folder it sits in. Images are not stat'ed one by one (a folder listing is enough to
 * say which are missing), so 5,000 images / 6,352 persons open in well under a second.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { makeWarning, PosebenchInputError, type InputWarning } from '../core/errors.ts';
import { COCO17_JOINT_NAMES } from '../core/joints.ts';
import { readRegularFileSync } from '../core/regular-file.ts';
import { COCO17_SIGMAS } from '../evaluation/coco-oks-eval.ts';
import { parseCocoKeypointFile, type CocoKeypointCategory, type CocoKeypointFile } from '../formats/coco-keypoints.ts';
import { DATASET_LAYOUT_FILES } from './dataset-layout.ts';

/** Image folders looked for, in order, after the one named by the annotation file (`…_val2017.json` → `val2017/`). */
export const COCO_IMAGE_DIR_NAMES = ['images', 'val2017', 'train2017', 'test2017'] as const;
/** Preferred annotation files when `annotations/` holds several. */
const PREFERRED_ANNOTATION_FILES = ['person_keypoints_val2017.json', 'person_keypoints_train2017.json'];

export interface CocoDatasetLocation {
  readonly root: string;
  readonly annotationFile: string;
}

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * Where the COCO annotation file of `datasetPath` is, or null when it is not a COCO folder (an MPII
 * layout, which keeps its own detection, or no json in `annotations/`). Throws, naming the files, when
 * `annotations/` holds several candidate jsons and none is preferred.
 */
export function detectCocoDataset(datasetPath: string): CocoDatasetLocation | null {
  const abs = path.resolve(datasetPath);
  if (isFile(abs) && abs.toLowerCase().endsWith('.json')) {
    const parent = path.dirname(abs);
    const root = path.basename(parent) === 'annotations' ? path.dirname(parent) : parent;
    return { root, annotationFile: abs };
  }
  if (!isDirectory(abs)) return null;
  // MPII folders (mmpose: annotations/mpii_*.json; HRNet: annot/) are never taken for COCO
  for (const layout of Object.values(DATASET_LAYOUT_FILES)) {
    for (const files of Object.values(layout)) if (isFile(path.join(abs, files.annotation))) return null;
  }
  const dir = path.join(abs, 'annotations');
  if (!isDirectory(dir)) return null;
  const jsons = readdirSync(dir).filter((name) => name.toLowerCase().endsWith('.json') && isFile(path.join(dir, name))).sort();
  if (jsons.length === 0) return null;
  const preferred = PREFERRED_ANNOTATION_FILES.find((name) => jsons.includes(name));
  const keypointFiles = jsons.filter((name) => name.toLowerCase().includes('keypoints'));
  const chosen = preferred ?? (jsons.length === 1 ? jsons[0] : keypointFiles.length === 1 ? keypointFiles[0] : undefined);
  if (chosen === undefined) {
    throw new PosebenchInputError({ file: dir }, `holds ${jsons.length} json files (${jsons.slice(0, 6).join(', ')}${jsons.length > 6 ? ', …' : ''}); give the annotation file itself as --dataset DIR/annotations/FILE.json`);
  }
  return { root: abs, annotationFile: path.join(dir, chosen) };
}

export interface OpenedCocoDataset {
  readonly root: string;
  readonly annotationFile: string;
  /** The image folder, or null when there is none (predictions can still be evaluated). */
  readonly imagesDir: string | null;
  readonly annotations: CocoKeypointFile;
  /** One σ per keypoint of the category (OKS). */
  readonly sigmas: Float64Array;
  /** 'file': the category's own `sigmas`; 'coco': COCO's published σ looked up by keypoint name. */
  readonly sigmaSource: 'file' | 'coco';
  readonly warnings: readonly InputWarning[];
}

export function openCocoDataset(location: CocoDatasetLocation): OpenedCocoDataset {
  const { root, annotationFile } = location;
  let text: string;
  try {
    text = readRegularFileSync(annotationFile, 'COCO annotation file').toString('utf8');
  } catch (error) {
    if (error instanceof PosebenchInputError) throw error;
    throw new PosebenchInputError({ file: annotationFile }, `cannot read file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const annotations = parseCocoKeypointFile(text, annotationFile);
  const warnings: InputWarning[] = [...annotations.warnings];
  const { sigmas, source } = resolveCocoSigmas(annotations.category, annotationFile);
  if (annotations.annotations.length === 0) warnings.push(makeWarning({ file: annotationFile }, `no annotations of the keypoint category "${annotations.category.name}"`));

  const imagesDir = findImagesDir(root, annotationFile);
  if (imagesDir === null) {
    warnings.push(makeWarning({ file: root }, `no image folder (${imageDirCandidates(annotationFile).join('/, ')}/): predictions can be evaluated, models cannot be run`));
  } else {
    const present = new Set(readdirSync(imagesDir));
    const missing = annotations.images.filter((im) => !present.has(im.fileName) && !isFile(path.join(imagesDir, im.fileName)));
    if (missing.length > 0) {
      warnings.push(makeWarning({ file: imagesDir }, `${missing.length} of ${annotations.images.length} images listed in ${path.basename(annotationFile)} are not there (first: ${missing[0]!.fileName})`));
    }
  }
  return { root, annotationFile, imagesDir, annotations, sigmas, sigmaSource: source, warnings };
}

/**
 * σ per keypoint: the category's own `sigmas`, else COCO's published σ for keypoints named as in
 * COCO-17 (any subset, any order), else a one-line error asking for them.
 */
export function resolveCocoSigmas(category: CocoKeypointCategory, file: string): { sigmas: Float64Array; source: 'file' | 'coco' } {
  if (category.sigmas !== null) return { sigmas: category.sigmas, source: 'file' };
  const cocoNames = COCO17_JOINT_NAMES as readonly string[];
  const unknown = category.keypoints.filter((name) => !cocoNames.includes(name));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 4).map((n) => `"${n}"`).join(', ') + (unknown.length > 4 ? `, … (${unknown.length})` : '');
    throw new PosebenchInputError({ file, field: `category "${category.name}"` },
      `keypoints ${shown} have no published COCO sigma: add "sigmas": [${category.keypoints.length} numbers, one per keypoint] to the category (OKS needs a sigma for every keypoint)`);
  }
  return { sigmas: Float64Array.from(category.keypoints, (name) => COCO17_SIGMAS[cocoNames.indexOf(name)]!), source: 'coco' };
}

function imageDirCandidates(annotationFile: string): string[] {
  // person_keypoints_val2017.json → val2017 first
  const named = /_([a-z]+\d{4})\.json$/i.exec(path.basename(annotationFile))?.[1];
  const names: string[] = named !== undefined ? [named] : [];
  for (const name of COCO_IMAGE_DIR_NAMES) if (!names.includes(name)) names.push(name);
  return names;
}

function findImagesDir(root: string, annotationFile: string): string | null {
  for (const name of imageDirCandidates(annotationFile)) {
    const candidate = path.join(root, name);
    if (isDirectory(candidate)) return candidate;
  }
  return null;
}
