/**
 * Ground-truth corrections on COCO keypoint datasets (issue 18): the edits (move a keypoint, set its
 * visibility 0/1/2, move the box, swap left/right pairs), the effective annotations the evaluation
 * reads (originals with the newest active edit of each person), and the export back to COCO json —
 * the original file's bytes when nothing is edited, else the original document with the edited
 * persons' `keypoints`, `num_keypoints` and `bbox` replaced and everything else kept.
 *
 * Conventions (COCO's keypoint format, cocodataset.org/#format-data): an unlabelled keypoint is
 * (0, 0, 0); `num_keypoints` counts v > 0; `area` is the segmentation's and is not touched by a box
 * edit. Crowd regions are ignored by the evaluation (cocoeval.py:250–254) and are not editable here.
 * Edited coordinates are rounded to 1/1000 px, as MPII corrections are.
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.ts';
import type { OpenedCocoDataset } from '../datasets/coco-dataset.ts';
import { writeFileAtomic } from '../export/atomic-write.ts';
import type { CocoPersonAnnotation } from '../formats/coco-keypoints.ts';
import { effectiveCocoCorrections, listCocoCorrections, type CocoAnnotationState } from '../store/coco-corrections-repo.ts';
import type { Workspace } from '../store/workspace.ts';

export type CocoEdit =
  | { readonly kind: 'keypoint'; readonly keypoint: number; readonly xy: readonly [number, number] }
  | { readonly kind: 'visibility'; readonly keypoint: number; readonly v: 0 | 1 | 2 }
  | { readonly kind: 'bbox'; readonly box: readonly [number, number, number, number] }
  | { readonly kind: 'swap'; readonly pairs: readonly (readonly [number, number])[] };

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export function annotationState(person: Pick<CocoPersonAnnotation, 'keypoints' | 'bbox'>): CocoAnnotationState {
  return { keypoints: [...person.keypoints], bbox: [...person.bbox] };
}

/** The annotation after `edit` (throws a one-line UserError for an edit that cannot apply). */
export function applyCocoEdit(person: CocoPersonAnnotation, state: CocoAnnotationState, edit: CocoEdit): CocoAnnotationState {
  if (person.iscrowd) throw new UserError('conflict', `annotation ${person.id} is a crowd region: the evaluation ignores it, and it is not editable here`);
  const K = state.keypoints.length / 3;
  const keypoints = [...state.keypoints];
  const checkKeypoint = (k: number) => {
    if (!Number.isInteger(k) || k < 0 || k >= K) throw new UserError('bad-request', `keypoint ${k} is out of range (the category has ${K})`);
  };
  switch (edit.kind) {
    case 'keypoint': {
      checkKeypoint(edit.keypoint);
      keypoints[3 * edit.keypoint] = round3(edit.xy[0]);
      keypoints[3 * edit.keypoint + 1] = round3(edit.xy[1]);
      // moving an unlabelled keypoint labels it (visible)
      if (keypoints[3 * edit.keypoint + 2] === 0) keypoints[3 * edit.keypoint + 2] = 2;
      return { keypoints, bbox: state.bbox };
    }
    case 'visibility': {
      checkKeypoint(edit.keypoint);
      const k = edit.keypoint;
      if (edit.v === 0) {
        keypoints[3 * k] = 0;
        keypoints[3 * k + 1] = 0;
      } else if (keypoints[3 * k + 2] === 0) {
        // newly labelled: placed at the box centre, to be dragged where it belongs
        const [x, y, w, h] = state.bbox;
        keypoints[3 * k] = round3(x + w / 2);
        keypoints[3 * k + 1] = round3(y + h / 2);
      }
      keypoints[3 * k + 2] = edit.v;
      return { keypoints, bbox: state.bbox };
    }
    case 'bbox': {
      const [x, y, w, h] = edit.box;
      if (!(w > 0 && h > 0)) throw new UserError('bad-request', 'a box needs a positive width and height');
      return { keypoints, bbox: [round3(x), round3(y), round3(w), round3(h)] };
    }
    case 'swap': {
      for (const [a, b] of edit.pairs) {
        checkKeypoint(a);
        checkKeypoint(b);
        for (let i = 0; i < 3; i++) [keypoints[3 * a + i], keypoints[3 * b + i]] = [keypoints[3 * b + i]!, keypoints[3 * a + i]!];
      }
      return { keypoints, bbox: state.bbox };
    }
  }
}

/**
 * The workspace's corrections of this dataset: each corrected person's effective state, for those that
 * differ from the file (a keypoint moved and moved back is no correction), and how many edits are active.
 */
export function storedCocoCorrections(ws: Workspace, dataset: OpenedCocoDataset): { corrected: Map<number, CocoAnnotationState>; activeEdits: number } {
  const rows = listCocoCorrections(ws, dataset.annotationFile);
  const byId = new Map(dataset.annotations.annotations.map((a) => [a.id, a]));
  const corrected = new Map<number, CocoAnnotationState>();
  for (const [annotationId, state] of effectiveCocoCorrections(rows)) {
    const original = byId.get(annotationId);
    if (original === undefined) continue;
    const same = original.keypoints.every((v, i) => v === state.keypoints[i]) && original.bbox.every((v, i) => v === state.bbox[i]);
    if (!same) corrected.set(annotationId, state);
  }
  return { corrected, activeEdits: rows.filter((r) => !r.undone).length };
}

/** num_keypoints as COCO defines it: labelled keypoints (v > 0). */
export function labelledCount(keypoints: readonly number[]): number {
  let n = 0;
  for (let i = 2; i < keypoints.length; i += 3) if (keypoints[i]! > 0) n++;
  return n;
}

/** The dataset with each corrected person's effective keypoints, num_keypoints and box (the rest as read). */
export function effectiveCocoDataset(dataset: OpenedCocoDataset, corrected: ReadonlyMap<number, CocoAnnotationState>): OpenedCocoDataset {
  if (corrected.size === 0) return dataset;
  const annotations = dataset.annotations.annotations.map((person) => {
    const state = corrected.get(person.id);
    return state === undefined ? person : { ...person, keypoints: state.keypoints, numKeypoints: labelledCount(state.keypoints), bbox: state.bbox };
  });
  return { ...dataset, annotations: { ...dataset.annotations, annotations } };
}

export interface CocoExportResult {
  readonly file: string;
  readonly bytes: number;
  /** Persons whose annotation differs from the original file. */
  readonly edited: number;
}

/**
 * Writes the effective annotations as COCO json (atomically). Unedited: the original bytes, so the
 * export is byte-equal to the input. Edited: the original document with the edited persons' fields
 * replaced (written compact, as COCO's own files are).
 */
export function exportCocoAnnotations(
  dataset: Pick<OpenedCocoDataset, 'annotationFile' | 'annotations'>,
  corrected: ReadonlyMap<number, CocoAnnotationState>,
  outFile: string,
  overwrite: boolean,
): CocoExportResult {
  // The annotation file is the GT the stored corrections are made against: writing over it would lose
  // the original and leave the corrections applied to their own result.
  if (sameFile(outFile, dataset.annotationFile)) {
    throw new UserError(
      'conflict',
      `${outFile} is the dataset's annotation file: export to another file (corrections are kept in the workspace, the original stays as it is)`,
    );
  }
  const original = readFileSync(dataset.annotationFile);
  if (corrected.size === 0) {
    const written = writeFileAtomic(outFile, original, { overwrite });
    return { file: written.file, bytes: written.bytes, edited: 0 };
  }
  // by position in the file's `annotations` list (an id may repeat across categories)
  const byEntry = new Map<number, CocoAnnotationState>();
  for (const person of dataset.annotations.annotations) {
    const state = corrected.get(person.id);
    if (state !== undefined) byEntry.set(person.entry, state);
  }
  const document = JSON.parse(original.toString('utf8')) as { annotations: Record<string, unknown>[] };
  let edited = 0;
  for (const [entry, state] of byEntry) {
    const target = document.annotations[entry];
    if (target === undefined) continue;
    target['keypoints'] = state.keypoints;
    target['num_keypoints'] = labelledCount(state.keypoints);
    target['bbox'] = state.bbox;
    edited++;
  }
  const written = writeFileAtomic(outFile, JSON.stringify(document), { overwrite });
  return { file: written.file, bytes: written.bytes, edited };
}

function sameFile(a: string, b: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}
