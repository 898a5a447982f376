import { boxIoU, type Box } from './box.js';

export interface GroundTruthObject {
  classId: number;
  box: Box;
}

export interface Detection {
  classId: number;
  box: Box;
  /** Confidence; higher first. */
  score: number;
}

/** One test image: its annotated objects and what the detector reported on it. */
export interface DetectionImage {
  groundTruth: readonly GroundTruthObject[];
  detections: readonly Detection[];
}

export interface DetectionMapOptions {
  numClasses: number;
  /** IoU thresholds; default COCO's 0.50, 0.55, …, 0.95. */
  iouThresholds?: readonly number[];
  /** Highest-scoring detections kept per image and class (COCOeval: maxDets 100, applied per image and category). */
  maxDetectionsPerImage?: number;
}

export interface ClassAveragePrecision {
  classId: number;
  /** Ground-truth objects of this class over all images; classes with none are left out of every mean. */
  groundTruthCount: number;
  detectionCount: number;
  /** AP per IoU threshold, in the order of `iouThresholds`; NaN when the class has no ground truth. */
  ap: number[];
}

export interface DetectionMap {
  iouThresholds: number[];
  /** mAP at each threshold: mean over classes that have ground truth. */
  mapAt: number[];
  /** mAP@0.5 (NaN when 0.5 is not among the thresholds). */
  map50: number;
  /** mAP@0.75 (NaN when 0.75 is not among the thresholds). */
  map75: number;
  /** COCO's headline: mean over thresholds and classes (mAP@[.5:.95] with the default thresholds). */
  map: number;
  perClass: ClassAveragePrecision[];
}

/**
 * numpy's linspace to the last bit (start + i·step, the end point set exactly), so that thresholds and recall points
 * are the very doubles COCOeval compares with: its 0.9 is 0.8999999999999999 and its 0.35 is 0.35000000000000003.
 */
function linspace(start: number, stop: number, count: number): number[] {
  const step = (stop - start) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? stop : i * step + start));
}

/** COCOeval's IoU thresholds 0.50, 0.55, …, 0.95. */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);

/** COCOeval's 101 recall points 0, 0.01, …, 1. */
const RECALL_POINTS = linspace(0, 1, 101);

/**
 * Detection mean average precision as pycocotools' COCOeval computes it (no crowd regions, one area range):
 * per image, detections are matched greedily in descending score order, each to the unmatched ground-truth object
 * of its class with the highest IoU ≥ threshold; then per class, all images' detections sorted by score (stable)
 * give a precision/recall curve, precision is made non-increasing, and AP is the mean of the precision at the
 * 101 recall points (0 where the recall is never reached).
 */
export function detectionMap(images: readonly DetectionImage[], options: DetectionMapOptions): DetectionMap {
  const { numClasses } = options;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  const thresholds = [...(options.iouThresholds ?? COCO_IOU_THRESHOLDS)];
  for (const t of thresholds) if (!(t > 0 && t <= 1)) throw new Error(`IoU thresholds must lie in (0, 1], got ${t}`);
  const maxDetections = options.maxDetectionsPerImage ?? 100;
  images.forEach((image, index) => validateImage(image, index, numClasses));

  const perClass: ClassAveragePrecision[] = [];
  for (let classId = 0; classId < numClasses; classId++) {
    const groundTruthCount = images.reduce((n, image) => n + image.groundTruth.filter((g) => g.classId === classId).length, 0);
    const ranked = images.map((image) => topDetections(image.detections.filter((d) => d.classId === classId), maxDetections));
    const detectionCount = ranked.reduce((n, dets) => n + dets.length, 0);
    const ap = thresholds.map((threshold) => {
      if (groundTruthCount === 0) return Number.NaN;
      const scored: { score: number; matched: boolean }[] = [];
      images.forEach((image, i) => {
        const truth = image.groundTruth.filter((g) => g.classId === classId);
        for (const match of matchImage(truth, ranked[i], threshold)) scored.push(match);
      });
      return averagePrecision(scored, groundTruthCount);
    });
    perClass.push({ classId, groundTruthCount, detectionCount, ap });
  }

  const mapAt = thresholds.map((_, t) => meanOf(perClass.filter((c) => c.groundTruthCount > 0).map((c) => c.ap[t])));
  const at = (value: number) => {
    const index = thresholds.findIndex((t) => Math.abs(t - value) < 1e-12);
    return index < 0 ? Number.NaN : mapAt[index];
  };
  return { iouThresholds: thresholds, mapAt, map50: at(0.5), map75: at(0.75), map: meanOf(mapAt), perClass };
}

function validateImage(image: DetectionImage, index: number, numClasses: number): void {
  const check = (what: string, classId: number, box: Box) => {
    if (!Number.isInteger(classId) || classId < 0 || classId >= numClasses) {
      throw new Error(`image ${index}: ${what} class ${classId} is outside 0..${numClasses - 1}`);
    }
    if (![box.x, box.y, box.w, box.h].every(Number.isFinite) || box.w < 0 || box.h < 0) {
      throw new Error(`image ${index}: ${what} box ${JSON.stringify(box)} is not a finite box with w, h ≥ 0`);
    }
  };
  for (const g of image.groundTruth) check('ground-truth', g.classId, g.box);
  for (const d of image.detections) {
    check('detection', d.classId, d.box);
    if (!Number.isFinite(d.score)) throw new Error(`image ${index}: detection score ${d.score} is not finite`);
  }
}

/** One image's detections of one class by descending score (stable), cut to the limit (COCOeval's evaluateImg). */
function topDetections(detections: readonly Detection[], limit: number): Detection[] {
  return stableSortByScore(detections).slice(0, limit);
}

function stableSortByScore<T extends { score: number }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.score - a.item.score || a.index - b.index)
    .map((entry) => entry.item);
}

/** Greedy matching within one image and class; detections are already in descending score order. */
function matchImage(truth: readonly GroundTruthObject[], detections: readonly Detection[], threshold: number) {
  const taken = new Array<boolean>(truth.length).fill(false);
  // COCOeval's cap, so that a threshold of 1 can still be met by a perfect box.
  const minIoU = Math.min(threshold, 1 - 1e-10);
  return detections.map((detection) => {
    let best = -1;
    let bestIoU = minIoU;
    truth.forEach((object, g) => {
      if (taken[g]) return;
      const iou = boxIoU(detection.box, object.box);
      if (iou < bestIoU) return;
      bestIoU = iou;
      best = g;
    });
    if (best >= 0) taken[best] = true;
    return { score: detection.score, matched: best >= 0 };
  });
}

/** 101-point interpolated AP of detections (any image order) against `groundTruthCount` objects. */
export function averagePrecision(scored: readonly { score: number; matched: boolean }[], groundTruthCount: number): number {
  if (groundTruthCount <= 0) throw new Error('average precision needs at least one ground-truth object');
  const ranked = stableSortByScore(scored);
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const detection of ranked) {
    if (detection.matched) tp++;
    else fp++;
    recall.push(tp / groundTruthCount);
    precision.push(tp / (tp + fp));
  }
  for (let i = precision.length - 2; i >= 0; i--) precision[i] = Math.max(precision[i], precision[i + 1]);
  let sum = 0;
  let index = 0;
  for (const point of RECALL_POINTS) {
    // First rank whose recall reaches the point (numpy's searchsorted, side 'left').
    while (index < recall.length && recall[index] < point) index++;
    if (index < recall.length) sum += precision[index];
  }
  return sum / RECALL_POINTS.length;
}

function meanOf(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
