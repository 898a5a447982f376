import { describe, expect, it } from 'vitest';
import { generateMaximinPermutations, PuzzleSampler, type ImageStack, type PuzzleBatch } from '@ktlab/jigsaw';
import { Xoshiro128 } from '@ktlab/random';
import { BatchOrder } from './batch-order';
import { PuzzleSource, shareImageStack } from './puzzle-source';

/** A stack of uint8 noise images. */
function randomImages(count: number, height: number, width: number): ImageStack {
  const rng = new Xoshiro128(1);
  const data = new Uint8Array(count * height * width * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.nextInt(256);
  return { data, count, height, width, channels: 3 };
}

const permutations = generateMaximinPermutations({ count: 30, seed: 4 });
const images = randomImages(40, 32, 32);
const config = { maxOccluded: 2 };

async function collect(source: PuzzleSource, count: number): Promise<PuzzleBatch[]> {
  const out: PuzzleBatch[] = [];
  for await (const batch of source.batches(count)) out.push(batch);
  return out;
}

// Each test starts worker threads that compile the sources with tsx: seconds on a busy 2-core machine.
describe('PuzzleSource', { timeout: 30_000 }, () => {
  it('gives the single-thread sampler batches, in order, for 1 and 2 workers', async () => {
    const sampler = new PuzzleSampler({ images, permutations, config });
    const order = new BatchOrder(21, 16, images.count);
    const expected = Array.from({ length: 6 }, (_, i) => sampler.sample(order.indicesOf(i), 21, i));
    const shared = shareImageStack(images);
    expect(shared.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    for (const [workers, stack] of [[1, images], [2, shared]] as const) {
      const source = new PuzzleSource({ images: stack, permutations, config, batchSize: 16, seed: 21, workers, prefetch: 3 });
      const batches = await collect(source, 6);
      expect(batches.map((b) => b.batchIndex)).toEqual([0, 1, 2, 3, 4, 5]);
      batches.forEach((batch, i) => expect(batch).toEqual(expected[i]));
    }
  });

  it('resumes from a given batch index', async () => {
    const full = await collect(new PuzzleSource({ images, permutations, config, batchSize: 8, seed: 2, workers: 1 }), 4);
    const resumed = await collect(new PuzzleSource({ images, permutations, config, batchSize: 8, seed: 2, workers: 1, firstBatch: 2 }), 2);
    expect(resumed).toEqual(full.slice(2));
  });

  it('serves concurrent next() calls in order, even beyond the prefetch window', async () => {
    const source = new PuzzleSource({ images, permutations, batchSize: 4, seed: 3, workers: 2, prefetch: 1 });
    try {
      const batches = await Promise.all(Array.from({ length: 5 }, () => source.next()));
      expect(batches.map((b) => b.batchIndex)).toEqual([0, 1, 2, 3, 4]);
    } finally {
      await source.close();
    }
  });

  it('rejects waiting and later calls once closed', async () => {
    const source = new PuzzleSource({ images, permutations, batchSize: 4, seed: 1, workers: 1 });
    const pending = expect(source.next()).rejects.toThrow(/closed while a batch was awaited/);
    await source.close();
    await pending;
    await expect(source.next()).rejects.toThrow(/closed/);
  });

  it('surfaces a worker-side failure as a rejected batch', async () => {
    // One image cannot lend Jigsaw++ tiles to itself: the worker's sampler throws on the first batch.
    const source = new PuzzleSource({ images: randomImages(1, 32, 32), permutations, config, batchSize: 1, seed: 1, workers: 1 });
    await expect(source.next()).rejects.toThrow(/batch 0: Jigsaw\+\+ occlusion needs at least 2 images/);
    await source.close();
  });

  it('validates its options before starting workers', () => {
    expect(() => new PuzzleSource({ images, permutations, batchSize: 0, seed: 1 })).toThrow();
    expect(() => new PuzzleSource({ images, permutations, batchSize: 4, seed: 1, config: { grayProbability: 2 } })).toThrow(/invalid puzzle config/);
  });
});
