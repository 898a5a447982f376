import { afterAll, describe, expect, it } from 'vitest';
import { WasmDistanceEngine } from '../engine/wasm-engine.js';
import { assignToModel } from '../assign.js';
import { toRowBlocks } from '../matrix.js';
import { labelAgreement } from '../metrics.js';
import { planShards } from '../lloyd-step.js';
import { gaussianMixture } from '../synthetic.js';
import { InMemoryShards } from './in-memory-shards.js';
import { fitKMeansSharded, type ShardedFitCheckpoint } from './sharded-fit.js';
import { rowUniform, SAMPLE_SALT } from './row-sample.js';

const dims = 8;
const data = gaussianMixture({ rows: 3_000, dims, components: 12, centerSpread: 4, noise: 0.4, seed: 17 });
const engines = [1, 2, 1].map((threads) => new WasmDistanceEngine({ threads }));
afterAll(() => Promise.all(engines.map((engine) => engine.dispose())));

function shardsOf(shardCount: number, workers: number): InMemoryShards {
  const blocks = planShards(3_000, shardCount).map(({ start, end }) => toRowBlocks(data.points.subarray(start * dims, end * dims), dims));
  return new InMemoryShards(blocks, (shard) => engines[shard % workers]);
}

const options = { k: 12, iterations: 6, seed: 5, maxPointsPerCentroid: 0 };

describe('fitKMeansSharded', () => {
  it('gives the same bits whether one worker or three map the shards', async () => {
    const one = await fitKMeansSharded(shardsOf(4, 1), options);
    const three = await fitKMeansSharded(shardsOf(4, 3), options);
    expect(three.model.centroids).toEqual(one.model.centroids);
    expect(three.history.map((m) => m.inertia)).toEqual(one.history.map((m) => m.inertia));
  });

  it('depends on the shard plan only through float rounding, and finds the true clusters', async () => {
    const whole = await fitKMeansSharded(shardsOf(1, 1), options);
    const split = await fitKMeansSharded(shardsOf(7, 3), options);
    for (let i = 0; i < whole.model.centroids.length; i++) expect(split.model.centroids[i]).toBeCloseTo(whole.model.centroids[i], 4);
    const { labels } = await assignToModel(split.model, data.points, { threads: 1 });
    expect(labelAgreement(labels, data.components).nmi).toBeGreaterThan(0.97);
    expect(split.history.at(-1)!.inertia).toBeLessThan(split.history[0].inertia);
  });

  it('resumes from an iteration checkpoint to the same result as an uninterrupted fit', async () => {
    const checkpoints = new Map<number, ShardedFitCheckpoint>();
    const full = await fitKMeansSharded(shardsOf(3, 2), { ...options, onIteration: (m, checkpoint) => void checkpoints.set(m.iteration, checkpoint) });
    const resumed = await fitKMeansSharded(shardsOf(3, 2), { ...options, resume: checkpoints.get(3) });
    expect(resumed.history.map((m) => m.iteration)).toEqual([4, 5, 6]);
    expect(resumed.model.centroids).toEqual(full.model.centroids);
  });

  it('trains on about maxPointsPerCentroid·k rows, the same rows every iteration, with PCA fitted on the init sample', async () => {
    const shards = shardsOf(5, 2);
    const rowsPerIteration: number[] = [];
    const counted = Object.assign(Object.create(shards) as InMemoryShards, {
      accumulate: async (step: Parameters<InMemoryShards['accumulate']>[0]) => {
        const partials = await shards.accumulate(step);
        rowsPerIteration.push(partials.reduce((sum, p) => sum + p.rows, 0));
        return partials;
      },
    });
    const { model } = await fitKMeansSharded(counted, { ...options, maxPointsPerCentroid: 50, preprocessing: { pcaDims: 4, whiten: true } });
    expect(rowsPerIteration).toHaveLength(6);
    expect(new Set(rowsPerIteration).size).toBe(1);
    expect(rowsPerIteration[0]).toBeGreaterThan(500);
    expect(rowsPerIteration[0]).toBeLessThan(700);
    expect(model.training!.trainingRows).toBe(rowsPerIteration[0]);
    expect(model.dims).toBe(4);
    expect(model.preprocessing.pca).toBeDefined();
    expect(model.centroids.every(Number.isFinite)).toBe(true);
  });

  it('draws rows uniformly and independently of the salt', () => {
    let below = 0;
    let both = 0;
    for (let row = 0; row < 20_000; row++) {
      const a = rowUniform(9, SAMPLE_SALT.init, row) < 0.3;
      const b = rowUniform(9, SAMPLE_SALT.training, row) < 0.3;
      below += Number(a);
      both += Number(a && b);
    }
    expect(below / 20_000).toBeCloseTo(0.3, 1);
    expect(both / 20_000).toBeCloseTo(0.09, 1);
  });
});
