/** Per-pixel labels, one per pixel, row-major: 0 = background, 1…K = the K object classes. */
export type LabelMap = ArrayLike<number>;

/**
 * A square confusion matrix over `numLabels` labels (background + classes), accumulated over any number of
 * images: `counts[truth · numLabels + predicted]` pixels.
 */
export class ConfusionMatrix {
  readonly counts: Float64Array;

  constructor(
    readonly numLabels: number,
    /** Ground-truth label whose pixels are not scored (VOC marks object borders 255); none by default. */
    readonly ignoreLabel?: number,
  ) {
    if (!Number.isInteger(numLabels) || numLabels < 2) throw new Error(`numLabels must be an integer ≥ 2 (background + classes), got ${numLabels}`);
    this.counts = new Float64Array(numLabels * numLabels);
  }

  /** Adds one image's (or batch's) pixels; both maps must have the same length. */
  add(truth: LabelMap, predicted: LabelMap): this {
    if (truth.length !== predicted.length) throw new Error(`label maps differ in size: truth ${truth.length}, predicted ${predicted.length} pixels`);
    const n = this.numLabels;
    for (let p = 0; p < truth.length; p++) {
      const t = truth[p];
      if (t === this.ignoreLabel) continue;
      const q = predicted[p];
      if (!Number.isInteger(t) || t < 0 || t >= n) throw new Error(`ground-truth label ${t} at pixel ${p} is outside 0..${n - 1}`);
      if (!Number.isInteger(q) || q < 0 || q >= n) throw new Error(`predicted label ${q} at pixel ${p} is outside 0..${n - 1}`);
      this.counts[t * n + q]++;
    }
    return this;
  }

  at(truth: number, predicted: number): number {
    return this.counts[truth * this.numLabels + predicted];
  }
}

export interface SegmentationScores {
  /** IoU per label (index 0 = background); NaN for a label absent from both truth and prediction. */
  iou: number[];
  /** Mean of the defined per-label IoUs, background included (VOC's and FCN's mean IoU). */
  meanIoU: number;
  /** Correct pixels / scored pixels. */
  pixelAccuracy: number;
  /** Scored pixels. */
  pixels: number;
}

/** IoU_c = TP / (TP + FP + FN) from the confusion matrix, and their mean over labels that occur. */
export function segmentationScores(matrix: ConfusionMatrix): SegmentationScores {
  const n = matrix.numLabels;
  const iou: number[] = [];
  let correct = 0;
  let pixels = 0;
  for (let c = 0; c < n; c++) {
    let truthTotal = 0;
    let predictedTotal = 0;
    for (let k = 0; k < n; k++) {
      truthTotal += matrix.at(c, k);
      predictedTotal += matrix.at(k, c);
    }
    const tp = matrix.at(c, c);
    const union = truthTotal + predictedTotal - tp;
    iou.push(union > 0 ? tp / union : Number.NaN);
    correct += tp;
    pixels += truthTotal;
  }
  const defined = iou.filter((v) => !Number.isNaN(v));
  return {
    iou,
    meanIoU: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : Number.NaN,
    pixelAccuracy: pixels > 0 ? correct / pixels : Number.NaN,
    pixels,
  };
}

/** Convenience: scores of one pair of label maps (or of concatenated maps). */
export function meanIoU(truth: LabelMap, predicted: LabelMap, numLabels: number, ignoreLabel?: number): SegmentationScores {
  return segmentationScores(new ConfusionMatrix(numLabels, ignoreLabel).add(truth, predicted));
}
