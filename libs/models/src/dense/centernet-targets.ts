import type { Box } from '@ktlab/eval-metrics';

/** One annotated object in input pixels (a scene object's class and box). */
export interface BoxObject {
  classId: number;
  box: Box;
}

export interface CenterNetGeometry {
  numClasses: number;
  /** Side of the square input image in pixels. */
  inputSize: number;
  /** Input pixels per output cell (CenterNet's R; 12 for AlexNet's conv5 at 96×96). */
  stride: number;
}

/**
 * Training targets of one image on the H×W output grid (H = W = inputSize / stride), row-major, channels last:
 * - `heatmap` H·W·K: a Gaussian bump per object on its class plane, 1 exactly at the cell holding the box centre
 *   (element-wise max where bumps of one class overlap);
 * - `size` H·W·2 and `offset` H·W·2: at centre cells only, the box's (w, h) in cells and the centre's sub-cell
 *   position (centre/stride − cell) in [0, 1);
 * - `centres` H·W: 1 at centre cells (where size and offset are scored).
 * Size and offset are class-agnostic (as in CenterNet): two objects whose centres share a cell, of any class, get
 * the later one's size and offset, so one of them decodes to the wrong box (CenterNet's known limitation; at
 * stride 12 on 96×96 scenes of 2–4 objects it affects a few percent of scenes).
 */
export interface CenterNetTargets {
  gridSize: number;
  numClasses: number;
  heatmap: Float32Array;
  size: Float32Array;
  offset: Float32Array;
  centres: Float32Array;
}

export function gridSizeOf(geometry: CenterNetGeometry): number {
  const grid = geometry.inputSize / geometry.stride;
  if (!Number.isInteger(grid) || grid < 1) throw new Error(`input ${geometry.inputSize} is not a whole multiple of stride ${geometry.stride}`);
  return grid;
}

/**
 * CenterNet's Gaussian radius (Zhou et al. 2019, after CornerNet): the largest corner shift that keeps a box of
 * this size at IoU ≥ minOverlap with the truth, in cells.
 */
export function gaussianRadius(width: number, height: number, minOverlap = 0.7): number {
  const r1 = quadraticRoot(1, height + width, (width * height * (1 - minOverlap)) / (1 + minOverlap));
  const r2 = quadraticRoot(4, 2 * (height + width), (1 - minOverlap) * width * height);
  const r3 = quadraticRoot(4 * minOverlap, -2 * minOverlap * (height + width), (minOverlap - 1) * width * height);
  return Math.min(r1, r2, r3);
}

function quadraticRoot(a: number, b: number, c: number): number {
  return (b + Math.sqrt(b * b - 4 * a * c)) / 2;
}

export function encodeCenterNetTargets(objects: readonly BoxObject[], geometry: CenterNetGeometry): CenterNetTargets {
  const grid = gridSizeOf(geometry);
  const { numClasses, stride } = geometry;
  const heatmap = new Float32Array(grid * grid * numClasses);
  const size = new Float32Array(grid * grid * 2);
  const offset = new Float32Array(grid * grid * 2);
  const centres = new Float32Array(grid * grid);
  for (const { classId, box } of objects) {
    if (!Number.isInteger(classId) || classId < 0 || classId >= numClasses) throw new Error(`object class ${classId} is outside 0..${numClasses - 1}`);
    if (!(box.w > 0 && box.h > 0)) throw new Error(`object box ${JSON.stringify(box)} is empty`);
    const cx = (box.x + box.w / 2) / stride;
    const cy = (box.y + box.h / 2) / stride;
    const col = Math.min(grid - 1, Math.max(0, Math.floor(cx)));
    const row = Math.min(grid - 1, Math.max(0, Math.floor(cy)));
    const w = box.w / stride;
    const h = box.h / stride;
    // CenterNet floors the radius; on coarse grids (objects of 2–5 cells) that leaves a bare peak, so the radius is
    // kept fractional here and the bump spans the cells within ceil(radius).
    const radius = Math.max(0, gaussianRadius(w, h));
    const sigma = (2 * radius + 1) / 6;
    const reach = Math.ceil(radius);
    for (let y = Math.max(0, row - reach); y <= Math.min(grid - 1, row + reach); y++) {
      for (let x = Math.max(0, col - reach); x <= Math.min(grid - 1, col + reach); x++) {
        const value = Math.exp(-((x - col) ** 2 + (y - row) ** 2) / (2 * sigma * sigma));
        const at = (y * grid + x) * numClasses + classId;
        heatmap[at] = Math.max(heatmap[at], value);
      }
    }
    const cell = row * grid + col;
    size[cell * 2] = w;
    size[cell * 2 + 1] = h;
    offset[cell * 2] = cx - col;
    offset[cell * 2 + 1] = cy - row;
    centres[cell] = 1;
  }
  return { gridSize: grid, numClasses, heatmap, size, offset, centres };
}

/** A detected box in input pixels (the shape @ktlab/eval-metrics scores). */
export interface DecodedBox {
  classId: number;
  box: Box;
  score: number;
}

export interface DecodeOptions extends CenterNetGeometry {
  /** Peaks below this heat are dropped. */
  scoreThreshold?: number;
  /** At most this many boxes, highest scores first (CenterNet: 100). */
  maxDetections?: number;
}

/**
 * Boxes from heat-map peaks: a cell is a peak when its heat is ≥ all 8 neighbours' on its class plane (CenterNet's
 * 3×3 max-pool suppression, no IoU-based NMS) and ≥ the threshold; the box is centred at (cell + offset)·stride
 * with size·stride, clipped to the image. `heatmap` holds probabilities (the head's sigmoid), not logits.
 */
export function decodeCenterNet(
  planes: Pick<CenterNetTargets, 'heatmap' | 'size' | 'offset'>,
  options: DecodeOptions,
): DecodedBox[] {
  const grid = gridSizeOf(options);
  const { numClasses, stride, inputSize } = options;
  const threshold = options.scoreThreshold ?? 0.1;
  const { heatmap, size, offset } = planes;
  if (heatmap.length !== grid * grid * numClasses || size.length !== grid * grid * 2 || offset.length !== grid * grid * 2) {
    throw new Error(`CenterNet planes do not match a ${grid}×${grid} grid with ${numClasses} classes`);
  }
  const heat = (x: number, y: number, c: number) => heatmap[(y * grid + x) * numClasses + c];
  const found: DecodedBox[] = [];
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      for (let c = 0; c < numClasses; c++) {
        const score = heat(x, y, c);
        if (!(score >= threshold) || !isPeak(heat, grid, x, y, c, score)) continue;
        const cell = y * grid + x;
        const w = Math.max(0, size[cell * 2]) * stride;
        const h = Math.max(0, size[cell * 2 + 1]) * stride;
        const cx = (x + offset[cell * 2]) * stride;
        const cy = (y + offset[cell * 2 + 1]) * stride;
        const x0 = Math.max(0, cx - w / 2);
        const y0 = Math.max(0, cy - h / 2);
        const x1 = Math.min(inputSize, cx + w / 2);
        const y1 = Math.min(inputSize, cy + h / 2);
        if (x1 <= x0 || y1 <= y0) continue;
        found.push({ classId: c, score, box: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } });
      }
    }
  }
  found.sort((a, b) => b.score - a.score);
  return found.slice(0, options.maxDetections ?? 100);
}

function isPeak(heat: (x: number, y: number, c: number) => number, grid: number, x: number, y: number, c: number, value: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const nx = x + dx;
      const ny = y + dy;
      if ((dx || dy) && nx >= 0 && ny >= 0 && nx < grid && ny < grid && heat(nx, ny, c) > value) return false;
    }
  }
  return true;
}

/** Channels of the packed target tensor: heat-map K, size 2, offset 2, centre mask 1. */
export function packedTargetChannels(numClasses: number): number {
  return numClasses + 5;
}

/** Packs targets of a batch into one [N, H, W, K + 5] buffer (the layout centerNetLoss reads). */
export function packCenterNetTargets(batch: readonly CenterNetTargets[]): { data: Float32Array; shape: [number, number, number, number] } {
  if (batch.length === 0) throw new Error('packCenterNetTargets: empty batch');
  const { gridSize: grid, numClasses } = batch[0];
  const channels = packedTargetChannels(numClasses);
  const data = new Float32Array(batch.length * grid * grid * channels);
  batch.forEach((targets, n) => {
    if (targets.gridSize !== grid || targets.numClasses !== numClasses) throw new Error('packCenterNetTargets: targets of different geometry in one batch');
    for (let cell = 0; cell < grid * grid; cell++) {
      const at = (n * grid * grid + cell) * channels;
      data.set(targets.heatmap.subarray(cell * numClasses, (cell + 1) * numClasses), at);
      data.set(targets.size.subarray(cell * 2, cell * 2 + 2), at + numClasses);
      data.set(targets.offset.subarray(cell * 2, cell * 2 + 2), at + numClasses + 2);
      data[at + numClasses + 4] = targets.centres[cell];
    }
  });
  return { data, shape: [batch.length, grid, grid, channels] };
}
