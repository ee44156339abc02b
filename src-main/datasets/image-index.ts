/**
 * Indexes the images a dataset's persons refer to, by `stat` only: opening a dataset must stay fast
 * and never decode an image. Missing images are warnings, not errors: evaluating imported
 * predictions needs no images at all.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { makeWarning, type InputWarning } from '../core/errors.ts';
import { escapeControlCharacters } from '../core/printable-excerpt.ts';
import { describeFileKind } from '../core/regular-file.ts';
import type { ImageFileInfo, PersonAnnotation } from '../core/types.ts';

/** Past this many per-entry "image not found" warnings, the rest are summarised in one warning. */
export const MAX_MISSING_IMAGE_WARNINGS = 50;

export interface ImageIndex {
  readonly images: ReadonlyMap<string, ImageFileInfo>;
  readonly warnings: InputWarning[];
}

/**
 * @param annotationFile named in the per-entry warnings (the entry index refers to it).
 */
export function indexImageFiles(imagesDir: string, persons: readonly PersonAnnotation[], annotationFile: string): ImageIndex {
  const images = new Map<string, ImageFileInfo>();
  const warnings: InputWarning[] = [];
  const folderExists = statSync(imagesDir, { throwIfNoEntry: false })?.isDirectory() ?? false;

  /** Images that exist but are not regular files (FIFO, directory, device): never opened. */
  const notRegular = new Map<string, string>();
  for (const person of persons) {
    if (images.has(person.image)) continue;
    const stat = folderExists ? statSync(path.join(imagesDir, person.image), { throwIfNoEntry: false }) : undefined;
    const exists = stat?.isFile() ?? false;
    if (stat !== undefined && !exists) notRegular.set(person.image, describeFileKind(stat));
    images.set(person.image, { name: person.image, exists, bytes: exists && stat !== undefined ? stat.size : 0 });
  }

  if (!folderExists) {
    if (persons.length > 0) {
      // One summarised warning, not one per entry (e.g. an annotations-only val folder: 2958 persons).
      warnings.push(makeWarning({ file: imagesDir },
        `images folder not found: the ${persons.length} entries (${images.size} images) cannot be shown or run through a model; evaluating imported predictions does not need images`));
    }
    return { images, warnings };
  }

  let missingEntries = 0;
  const missingImages = new Set<string>();
  for (const person of persons) {
    if (images.get(person.image)?.exists === true) continue;
    missingEntries++;
    missingImages.add(person.image);
    if (missingEntries <= MAX_MISSING_IMAGE_WARNINGS) {
      const kind = notRegular.get(person.image);
      const name = escapeControlCharacters(person.image);
      warnings.push(makeWarning({ file: annotationFile, entry: person.entryIndex, field: 'image' }, kind === undefined
        ? `image "${name}" not found in ${imagesDir}`
        : `image "${name}" in ${imagesDir} is ${kind}, not a regular file: it is never opened, its persons fail`));
    }
  }
  if (missingEntries > MAX_MISSING_IMAGE_WARNINGS) {
    warnings.push(makeWarning({ file: annotationFile },
      `${missingEntries - MAX_MISSING_IMAGE_WARNINGS} more entries refer to images not found in ${imagesDir} (${missingEntries} entries, ${missingImages.size} distinct images missing in all)`));
  }
  return { images, warnings };
}
