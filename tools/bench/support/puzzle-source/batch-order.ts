/**
 * Which images make up batch i of a run: the sample stream walks through the dataset one seeded shuffle per
 * epoch, and batch i takes samples i·B .. i·B + B − 1 of that stream (crossing into the next epoch's shuffle
 * when the dataset size is not a multiple of B). A pure function of (seed, i, B, N), so any worker can
 * compute any batch.
 */
import { mixSeed, Xoshiro128 } from '@ktlab/random';

/** Separates the epoch-shuffle streams from the per-batch puzzle streams of the same seed. */
const EPOCH_STREAM = 0x5eed_0e;

export class BatchOrder {
  private readonly shuffles = new Map<number, Int32Array>();

  constructor(
    readonly seed: number,
    readonly batchSize: number,
    readonly imageCount: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(imageCount) || imageCount < 1) throw new Error(`image count must be a positive integer, got ${imageCount}`);
  }

  /** Image indices of batch `batchIndex`. */
  indicesOf(batchIndex: number): Int32Array {
    if (!Number.isSafeInteger(batchIndex) || batchIndex < 0) throw new Error(`batch index must be a non-negative integer, got ${batchIndex}`);
    const indices = new Int32Array(this.batchSize);
    for (let b = 0; b < this.batchSize; b++) {
      const sample = batchIndex * this.batchSize + b;
      indices[b] = this.epochShuffle(Math.floor(sample / this.imageCount))[sample % this.imageCount]!;
    }
    return indices;
  }

  /** The epoch's permutation of 0..N−1 (Fisher–Yates); only the two most recent epochs are kept. */
  epochShuffle(epoch: number): Int32Array {
    const cached = this.shuffles.get(epoch);
    if (cached) return cached;
    const rng = new Xoshiro128(mixSeed(this.seed, EPOCH_STREAM, epoch));
    const order = Int32Array.from({ length: this.imageCount }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    this.shuffles.set(epoch, order);
    for (const key of this.shuffles.keys()) if (key < epoch - 1) this.shuffles.delete(key);
    return order;
  }
}
