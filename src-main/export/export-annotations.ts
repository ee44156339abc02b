/**
 * Exports a dataset's effective ground truth (originals + active corrections, from the workspace) to
 * an MPII json, an MPII gt `.mat` or a COCO keypoints json, written atomically to a path the caller
 * names. There is no default output path: nothing is ever written into the dataset folder unless the
 * user names a path there, and the dataset's own annotation files are never replaced (the workspace's
 * originals and corrections are layered on them).
 */
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { PosebenchInputError } from '../core/errors.ts';
import type { ImageFileInfo } from '../core/types.ts';
import { imageDimensions, type ImageDimensions } from '../datasets/image-dimensions.ts';
import { correctionLog, effectiveAnnotations } from '../store/corrections-repo.ts';
import type { Workspace } from '../store/workspace.ts';
import { writeFileAtomic, type AtomicWriteContent } from './atomic-write.ts';
import { buildCocoKeypoints, cocoKeypointsChunks } from './export-coco.ts';
import { mpiiJsonExportChunks } from './export-mpii-json.ts';
import { mpiiMatExportBytes, roundedMatGroundTruth, type ComputedMatValues } from './export-mpii-mat.ts';
import { COMPACT_PYTHON_LAYOUT, detectPythonJsonLayout, type PythonJsonLayout } from './python-json.ts';

export const EXPORT_FORMATS = ['mpii-json', 'mpii-mat', 'coco'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** What the export needs from an opened dataset (OpenedDataset fits). */
export interface ExportDatasetFiles {
  readonly root: string;
  readonly annotationFile: string;
  readonly gtMatFile: string | null;
  readonly imagesDir: string;
  readonly images: ReadonlyMap<string, ImageFileInfo>;
}

export interface ExportAnnotationsOptions {
  readonly workspace: Workspace;
  readonly datasetId: number;
  readonly dataset: ExportDatasetFiles;
  readonly format: ExportFormat;
  readonly outFile: string;
  /** Replace an existing file at outFile (never one of the dataset's own annotation files). */
  readonly overwrite?: boolean;
}

export interface ExportSummary {
  readonly format: ExportFormat;
  /** Absolute path written. */
  readonly file: string;
  readonly bytes: number;
  /** Person entries written. */
  readonly entries: number;
  /** Of those, how many differ from the originals through corrections. */
  readonly correctedEntries: number;
  /** COCO only: images written without width/height because the file is missing or unreadable. */
  readonly imagesWithoutSize: number;
  /**
   * Persons with an edited head box whose edit this format does not carry: the MPII json has no
   * head-box field (mmpose reads head boxes from the gt `.mat`), so for mpii-json this counts every
   * person with an active head-box correction; 0 for mpii-mat and coco (COCO keeps it in posebench_mpii).
   */
  readonly headBoxEditsNotWritten: number;
}

/** The corrections in effect, as what they computed: joints placed by a drag/nudge and head boxes edited. */
export function computedCorrectionValues(workspace: Workspace, datasetId: number): ComputedMatValues {
  const joints = new Map<number, Set<number>>();
  const headBoxes = new Set<number>();
  for (const entry of correctionLog(workspace, datasetId)) {
    if (entry.status !== 'active') continue;
    if (entry.kind === 'headbox') headBoxes.add(entry.entryIndex);
    else if (entry.kind === 'joint' && entry.joint !== null) {
      const set = joints.get(entry.entryIndex) ?? new Set<number>();
      set.add(entry.joint);
      joints.set(entry.entryIndex, set);
    } else if (entry.kind === 'swap') {
      // A swap moves a computed value to the other joint of the pair.
      const pair = (entry.newValue as { joints?: unknown } | null)?.joints;
      const set = joints.get(entry.entryIndex);
      if (set === undefined || !Array.isArray(pair) || pair.length !== 2) continue;
      const [a, b] = pair as [number, number];
      const hadA = set.has(a);
      const hadB = set.has(b);
      set.delete(a);
      set.delete(b);
      if (hadA) set.add(b);
      if (hadB) set.add(a);
    }
  }
  return { joints, headBoxes };
}

/** Why a format lost edits, pointing to the one that keeps them; null when nothing was lost. */
export function headBoxWarning(format: ExportFormat, headBoxEdits: number): string | null {
  if (format !== 'mpii-json' || headBoxEdits === 0) return null;
  const persons = headBoxEdits === 1 ? '1 person' : `${headBoxEdits} persons`;
  return `head-box edits of ${persons} are not in this file: the MPII json has no head-box field (mmpose reads head boxes from the gt .mat); export mpii-mat as well to keep them`;
}

/** Canonical path of a file that may not exist yet: realpath of its folder + its name (or its own realpath). */
function canonicalFilePath(file: string): string {
  const absolute = path.resolve(file);
  try {
    return realpathSync.native(absolute);
  } catch {
    try {
      return path.join(realpathSync.native(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** Refuses to write over the dataset's annotation json or gt `.mat`, whatever `overwrite` says. */
export function assertNotDatasetSourceFile(outFile: string, dataset: Pick<ExportDatasetFiles, 'annotationFile' | 'gtMatFile'>): void {
  const target = canonicalFilePath(outFile);
  for (const source of [dataset.annotationFile, dataset.gtMatFile]) {
    if (source !== null && canonicalFilePath(source) === target) {
      throw new PosebenchInputError(
        { file: outFile },
        "is one of the dataset's own annotation files; posebench never replaces them (corrections are kept in the workspace on top of them): choose another path",
      );
    }
  }
}

/** Layout (indentation, final newline) of the source json, read from its first bytes and last byte. */
export function sourceJsonLayout(annotationFile: string): PythonJsonLayout {
  let fd: number | undefined;
  try {
    fd = openSync(annotationFile, 'r');
    const size = statSync(annotationFile).size;
    const head = Buffer.alloc(Math.min(size, 256));
    readSync(fd, head, 0, head.length, 0);
    const last = Buffer.alloc(1);
    if (size > 0) readSync(fd, last, 0, 1, size - 1);
    const layout = detectPythonJsonLayout(head.toString('utf8'));
    return { indent: layout.indent, trailingNewline: size > 0 && last[0] === 0x0a };
  } catch {
    return COMPACT_PYTHON_LAYOUT;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Image size from the header, or null when the file is missing or not a readable JPEG/PNG. */
export function datasetImageSize(dataset: Pick<ExportDatasetFiles, 'imagesDir' | 'images'>): (image: string) => ImageDimensions | null {
  return (image) => {
    if (dataset.images.get(image)?.exists === false) return null;
    try {
      return imageDimensions(path.join(dataset.imagesDir, image));
    } catch (error) {
      if (error instanceof PosebenchInputError) return null;
      throw error;
    }
  };
}

export function exportAnnotations(options: ExportAnnotationsOptions): ExportSummary {
  const { dataset, format } = options;
  assertNotDatasetSourceFile(options.outFile, dataset);

  const effective = effectiveAnnotations(options.workspace, options.datasetId);
  const entryByInstance = new Map(effective.instances.map((instance) => [instance.id, instance.entryIndex]));
  const correctedEntries = new Set(effective.correctedInstanceIds.map((id) => entryByInstance.get(id) ?? -1));

  const computed = computedCorrectionValues(options.workspace, options.datasetId);
  let content: AtomicWriteContent;
  let imagesWithoutSize = 0;
  switch (format) {
    case 'mpii-json':
      content = mpiiJsonExportChunks(effective.annotations, sourceJsonLayout(dataset.annotationFile), computed.joints);
      break;
    case 'mpii-mat':
      content = mpiiMatExportBytes(effective.gt === null ? null : roundedMatGroundTruth(effective.gt, computed), dataset.root);
      break;
    case 'coco': {
      const coco = buildCocoKeypoints({
        persons: effective.annotations,
        gt: effective.gt,
        imageSize: datasetImageSize(dataset),
        correctedEntries,
        computed,
      });
      imagesWithoutSize = coco.imagesWithoutSize.length;
      content = cocoKeypointsChunks(coco.document);
      break;
    }
  }
  const written = writeFileAtomic(options.outFile, content, { overwrite: options.overwrite ?? false });
  return {
    format,
    file: written.file,
    bytes: written.bytes,
    entries: effective.annotations.length,
    correctedEntries: correctedEntries.size,
    imagesWithoutSize,
    headBoxEditsNotWritten: format === 'mpii-json' ? computed.headBoxes.size : 0,
  };
}

/** One line for the CLI / a status bar: what was written where. */
export function describeExport(summary: ExportSummary): string {
  const corrected = summary.correctedEntries === 1 ? '1 corrected' : `${summary.correctedEntries} corrected`;
  let text = `wrote ${summary.format} to ${summary.file} (${summary.entries} entries, ${corrected}, ${summary.bytes} bytes)`;
  if (summary.imagesWithoutSize > 0) {
    text += `; ${summary.imagesWithoutSize} image(s) missing or unreadable, written without width/height`;
  }
  const warning = headBoxWarning(summary.format, summary.headBoxEditsNotWritten);
  if (warning !== null) text += `. Warning: ${warning}`;
  return text;
}
