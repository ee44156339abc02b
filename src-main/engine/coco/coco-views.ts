/**
 * The COCO views' answers (Metrics, Browse/Failures by keypoint, the image viewer), read off the
 * variants' evaluation reports (workbench/coco-evaluation.ts): the engine only reshapes them. Numbers
 * stay fractions; pycocotools' −1 ("no GT in this area range") becomes null.
 */
import type {
  CocoCompareRelation,
  CocoCompareView,
  CocoImageDetail,
  CocoMetricsView,
  CocoPersonItem,
  CocoPersonsList,
  CocoReviewView,
  CocoSuspectView,
  CocoVariantMetrics,
  Response,
} from '../../api/contract.ts';
import type { CocoImageEntry } from '../../formats/coco-keypoints.ts';
import { cocoReviewWithDecisions, decideCocoSuspect, type CocoReviewItem } from '../../workbench/coco-review.ts';
import { mediaKey } from '../../api/contract.ts';
import { COCO_ERROR_CLASSES, COCO_STAT_NAMES, type CocoErrorClass, type CocoStatName } from '../../core/types.ts';
import { KS_OK, PCK_ALPHAS } from '../../evaluation/coco-keypoint-analysis.ts';
import { isCountedGt, OKS_THRESHOLDS, type CocoKeypointStats } from '../../evaluation/coco-oks-eval.ts';
import type { CocoPersonOutcome } from '../../evaluation/coco-person-outcomes.ts';
import { summaryOf, type CocoSession, type OpenCoco } from './coco-session.ts';

const statOrNull = (value: number | undefined): number | null => (value === undefined || value < 0 ? null : value);

function statsOf(stats: CocoKeypointStats): Record<CocoStatName, number | null> {
  return Object.fromEntries(COCO_STAT_NAMES.map((name) => [name, statOrNull(stats[name])])) as Record<CocoStatName, number | null>;
}

export function cocoMetrics(session: CocoSession): CocoMetricsView {
  const open = session.require();
  const variants: CocoVariantMetrics[] = [...open.variants.values()].map((variant) => {
    const report = session.report(variant, { partitions: true });
    return {
      variant: summaryOf(variant),
      stats: statsOf(report.stats),
      matchedPersons: report.analysis.matchedPersons,
      keypoints: report.analysis.rows.map((row, k) => ({
        name: row.name,
        count: row.count,
        oksAcc50: row.oksAcc50,
        oksAcc75: row.oksAcc75,
        pckBbox: row.pckBbox,
        pckTorso: row.pckTorso,
        meanErrorBbox: row.meanErrorBbox,
        classes: row.classes,
        ap: statOrNull(report.keypointStats?.[k]?.AP),
      })),
      groups: (report.groups ?? []).map((group) => ({ name: group.name, keypoints: group.keypoints, ap: statOrNull(group.stats.AP) })),
      apByThreshold: report.apByThreshold.map(statOrNull),
      precisionCurves: report.precisionCurves.map((c) => ({ threshold: c.threshold, precision: c.precision.map(statOrNull) })),
    };
  });
  return {
    keypoints: open.dataset.annotations.category.keypoints,
    oksThresholds: [...OKS_THRESHOLDS],
    persons: open.effective.annotations.annotations.filter(isCountedGt).length,
    pckAlphas: [...PCK_ALPHAS],
    variants,
  };
}

export interface CocoPersonsQuery {
  readonly variantId?: string | undefined;
  readonly keypoint?: number | undefined;
  readonly order: 'file' | 'worst';
  readonly errorClass?: CocoErrorClass | undefined;
  readonly offset: number;
  readonly limit: number;
}

/**
 * GT persons, optionally with one variant's outcome: all of them in file order, or worst first — the
 * lowest KS of `keypoint` (the lowest OKS without one), persons the variant missed before any matched
 * one, and persons that do not count (crowd, no labelled keypoint, keypoint unlabelled) last.
 */
export function cocoPersons(session: CocoSession, query: CocoPersonsQuery): CocoPersonsList {
  const open = session.require();
  const { annotations } = open.effective;
  const K = annotations.category.keypoints.length;
  const keypoint = query.keypoint;
  if (keypoint !== undefined && keypoint >= K) throw new RangeError(`keypoint ${keypoint} is out of range (the dataset has ${K})`);
  const outcomes = query.variantId !== undefined ? session.report(session.requireVariant(query.variantId)).outcomes : null;
  const images = new Map(annotations.images.map((im) => [im.id, im]));

  let indices = annotations.annotations.map((_, i) => i);
  if (query.errorClass !== undefined && outcomes !== null) {
    const wanted = COCO_ERROR_CLASSES.indexOf(query.errorClass);
    indices = indices.filter((i) => {
      const classes = outcomes[i]!.classes;
      return keypoint !== undefined ? classes[keypoint] === wanted : classes.includes(wanted);
    });
  }
  if (query.order === 'worst' && outcomes !== null) {
    const key = (i: number): number => {
      const person = annotations.annotations[i]!;
      const outcome = outcomes[i]!;
      if (outcome.ignored) return Infinity;
      if (keypoint !== undefined) {
        if (!(person.keypoints[3 * keypoint + 2]! > 0)) return Infinity;
        return outcome.detection === null ? -1 : outcome.ks[keypoint]!;
      }
      return outcome.detection === null ? -1 : outcome.oks!;
    };
    const keys = new Float64Array(annotations.annotations.length);
    for (const i of indices) keys[i] = key(i);
    indices.sort((a, b) => keys[a]! - keys[b]! || a - b);
  }
  const items = indices.slice(query.offset, query.offset + query.limit).map((i) => personItem(open, images, i, outcomes?.[i], keypoint));
  return { total: indices.length, imageIds: [...new Set(indices.map((i) => annotations.annotations[i]!.imageId))], items };
}

/** A person as the lists show it, with one variant's outcome (and one keypoint's KS and class) when given. */
function personItem(
  open: OpenCoco,
  images: ReadonlyMap<number, CocoImageEntry>,
  i: number,
  outcome: CocoPersonOutcome | undefined,
  keypoint: number | undefined,
): CocoPersonItem {
  const person = open.effective.annotations.annotations[i]!;
  const image = images.get(person.imageId);
  const fileName = image?.fileName ?? '';
  const ks = keypoint !== undefined ? outcome?.ks[keypoint] : undefined;
  const c = keypoint !== undefined ? (outcome?.classes[keypoint] ?? -1) : -1;
  return {
    index: i,
    annotationId: person.id,
    imageId: person.imageId,
    fileName,
    imageKey: open.dataset.imagesDir !== null && fileName !== '' ? mediaKey.image(open.id, fileName) : null,
    imageWidth: image?.width ?? null,
    imageHeight: image?.height ?? null,
    bbox: person.bbox,
    iscrowd: person.iscrowd,
    numKeypoints: person.numKeypoints,
    keypoints: person.keypoints,
    counted: isCountedGt(person),
    oks: outcome?.oks ?? null,
    ks: ks !== undefined && !Number.isNaN(ks) ? ks : null,
    errorClass: c >= 0 ? COCO_ERROR_CLASSES[c]! : null,
  };
}

/**
 * Two variants keypoint by keypoint: over labelled keypoints of counted persons, a hit is a matched
 * person's keypoint with KS ≥ 0.5 (the OKS accuracy at 0.5 of the per-keypoint table, here with unmatched
 * persons counted as misses so both variants are judged on the same keypoints); the cells' persons on request.
 */
export function cocoCompare(
  session: CocoSession,
  query: { a: string; b: string; keypoint?: number | undefined; relation?: CocoCompareRelation | undefined; limit: number },
): CocoCompareView {
  const open = session.require();
  const va = session.requireVariant(query.a);
  const vb = session.requireVariant(query.b);
  const ra = session.report(va, { partitions: true });
  const rb = session.report(vb, { partitions: true });
  const { annotations } = open.effective;
  const names = annotations.category.keypoints;
  if (query.keypoint !== undefined && query.keypoint >= names.length)
    throw new RangeError(`keypoint ${query.keypoint} is out of range (the dataset has ${names.length})`);
  const hit = (o: CocoPersonOutcome, k: number) => o.detection !== null && o.ks[k]! >= KS_OK;
  const rows = names.map((name, k) => {
    let count = 0,
      aHits = 0,
      bHits = 0,
      aHitBMiss = 0,
      aMissBHit = 0,
      bothMiss = 0;
    annotations.annotations.forEach((person, i) => {
      if (!isCountedGt(person) || !(person.keypoints[3 * k + 2]! > 0)) return;
      count++;
      const ha = hit(ra.outcomes[i]!, k),
        hb = hit(rb.outcomes[i]!, k);
      if (ha) aHits++;
      if (hb) bHits++;
      if (ha && !hb) aHitBMiss++;
      if (!ha && hb) aMissBHit++;
      if (!ha && !hb) bothMiss++;
    });
    return {
      name,
      count,
      aHits,
      bHits,
      aHitBMiss,
      aMissBHit,
      bothMiss,
      aAp: statOrNull(ra.keypointStats?.[k]?.AP),
      bAp: statOrNull(rb.keypointStats?.[k]?.AP),
    };
  });
  let persons: CocoPersonItem[] = [];
  const k = query.keypoint;
  if (k !== undefined && query.relation !== undefined) {
    const images = new Map(annotations.images.map((im) => [im.id, im]));
    const wanted = (i: number): boolean => {
      const person = annotations.annotations[i]!;
      if (!isCountedGt(person) || !(person.keypoints[3 * k + 2]! > 0)) return false;
      const ha = hit(ra.outcomes[i]!, k),
        hb = hit(rb.outcomes[i]!, k);
      return query.relation === 'a-hit-b-miss' ? ha && !hb : query.relation === 'a-miss-b-hit' ? !ha && hb : !ha && !hb;
    };
    persons = annotations.annotations
      .map((_, i) => i)
      .filter(wanted)
      .slice(0, query.limit)
      .map((i) => personItem(open, images, i, rb.outcomes[i], k));
  }
  return { a: summaryOf(va), b: summaryOf(vb), aStats: statsOf(ra.stats), bStats: statsOf(rb.stats), rows, persons };
}

/** One image: its GT persons (crowd regions included) and each asked variant's detections with their matches. */
export function cocoImage(session: CocoSession, imageId: number, variantIds: readonly string[]): CocoImageDetail {
  const open = session.require();
  const { annotations } = open.effective;
  const image = annotations.images.find((im) => im.id === imageId);
  if (image === undefined) throw new RangeError(`image ${imageId} is not in ${annotations.file}`);
  const personIndices: number[] = [];
  annotations.annotations.forEach((a, i) => {
    if (a.imageId === imageId) personIndices.push(i);
  });
  const persons = personIndices.map((i) => {
    const a = annotations.annotations[i]!;
    return { index: i, annotationId: a.id, bbox: a.bbox, iscrowd: a.iscrowd, area: a.area, numKeypoints: a.numKeypoints, keypoints: a.keypoints };
  });
  const variants = variantIds.map((variantId) => {
    const variant = session.requireVariant(variantId);
    const report = session.report(variant);
    // detection id (1-based results entry, coco.py:358) → the GT person it matched
    const matchOf = new Map<number, { index: number; oks: number | null }>();
    for (const i of personIndices) {
      const outcome = report.outcomes[i]!;
      if (outcome.detection !== null) matchOf.set(outcome.detection.id, { index: i, oks: outcome.oks });
    }
    const entries = session.resultsOnImage(variant, imageId).map(({ result, entry }) => ({ r: result, entry }));
    entries.sort((a, b) => b.r.score - a.r.score || a.entry - b.entry);
    return {
      variantId,
      name: variant.record.name,
      detections: entries.map(({ r, entry }) => {
        const match = matchOf.get(entry + 1);
        return { keypoints: r.keypoints, score: r.score, matchedIndex: match?.index ?? null, oks: match?.oks ?? null };
      }),
      persons: personIndices.map((i) => {
        const outcome = report.outcomes[i]!;
        return {
          index: i,
          ks: Array.from(outcome.ks, (v) => (Number.isNaN(v) ? null : v)),
          classes: Array.from(outcome.classes, (c) => (c >= 0 ? COCO_ERROR_CLASSES[c]! : null)),
        };
      }),
    };
  });
  return {
    imageId,
    fileName: image.fileName,
    imageKey: open.dataset.imagesDir !== null ? mediaKey.image(open.id, image.fileName) : null,
    width: image.width,
    height: image.height,
    persons,
    variants,
  };
}

/** The review queue over every stored variant (workbench/coco-review.ts, as `posebench qc` prints it), with each proposal as an edit. */
/** The variants as the review sees them: name, results identity and evaluation. */
function reviewVariants(session: CocoSession) {
  const open = session.require();
  return [...open.variants.values()].map((variant) => ({
    name: variant.record.name,
    id: variant.record.id,
    sourceSha256: variant.record.sourceSha256,
    report: session.report(variant),
  }));
}

function suspectView(s: CocoReviewItem, fileNames: ReadonlyMap<number, string>): CocoSuspectView {
  return {
    id: s.id,
    index: s.index,
    annotationId: s.annotationId,
    imageId: s.imageId,
    fileName: fileNames.get(s.imageId) ?? '',
    kind: s.kind,
    score: s.score,
    keypoints: s.keypoints,
    predictors: s.predictors,
    of: s.of,
    reason: s.reason,
    fix:
      s.proposal.action === 'swap_pairs'
        ? { kind: 'swap', pairs: s.proposal.pairs.map(([a, b]) => [a, b] as [number, number]) }
        : s.proposal.action === 'move_keypoint'
          ? { kind: 'keypoint', keypoint: s.proposal.keypoint, xy: [s.proposal.to[0], s.proposal.to[1]] }
          : null,
    decision: s.decision,
  };
}

export function cocoReviewView(session: CocoSession): CocoReviewView {
  const open = session.require();
  const review = cocoReviewWithDecisions(open.ws, open.effective, reviewVariants(session));
  const fileNames = new Map(open.effective.annotations.images.map((im) => [im.id, im.fileName]));
  return { predictors: review.predictors, persons: review.persons, suspects: review.suspects.map((s) => suspectView(s, fileNames)) };
}

/** "Label is right" / "later" on a suspect of the current queue, kept in the workspace. */
export function cocoDecide(session: CocoSession, suspectId: string, verdict: 'label_right' | 'later'): Response<'coco:decide'> {
  const open = session.require();
  const item = decideCocoSuspect(open.ws, open.effective, reviewVariants(session), suspectId, verdict);
  const words = verdict === 'label_right' ? 'label kept' : 'left for later';
  return { suspectId, decision: item.decision!, message: `${words}: #${item.index} (${item.kind})` };
}
