import { describe, expect, it } from 'vitest';
import { fitKMeans, type IterationMetrics } from './kmeans.js';
import { labelAgreement } from './metrics.js';
import { assignToModel } from './assign.js';
import { gaussianMixture } from './synthetic.js';

describe('fitKMeans', () => {
  const blobs = gaussianMixture({ rows: 600, dims: 10, components: 6, centerSpread: 5, noise: 0.2, seed: 3 });

  it('recovers well-separated toy clusters exactly from k-means++ init', async () => {
    for (const init of ['kmeans++'] as const) {
      const { model } = await fitKMeans(blobs.points, 10, { k: 6, iterations: 15, seed: 11, init, threads: 2 });
      const { labels } = await assignToModel(model, blobs.points, { threads: 1 });
      const agreement = labelAgreement(labels, blobs.components);
      expect(agreement, init).toEqual({ nmi: 1, ari: 1, purity: 1 });
      // Each recovered centroid sits on one true mean.
      for (let c = 0; c < 6; c++) {
        const component = blobs.components[labels.indexOf(c)];
        for (let p = 0; p < 10; p++) expect(model.centroids[c * 10 + p]).toBeCloseTo(blobs.means[component * 10 + p], 1);
      }
    }
  });

  it('never increases the inertia from one iteration to the next', async () => {
    const data = gaussianMixture({ rows: 2000, dims: 16, components: 40, centerSpread: 1, noise: 0.5, seed: 5 });
    const history: IterationMetrics[] = [];
    await fitKMeans(data.points, 16, { k: 25, iterations: 12, init: 'random', seed: 2, onIteration: (m) => history.push(m) });
    expect(history).toHaveLength(12);
    expect(history.every((m) => m.emptySplits === 0)).toBe(true);
    for (let i = 1; i < history.length; i++) expect(history[i].inertia).toBeLessThanOrEqual(history[i - 1].inertia * (1 + 1e-6));
    expect(history.at(-1)!.inertia).toBeLessThan(history[0].inertia);
    const last = history.at(-1)!;
    expect(last.sizes.min).toBeGreaterThan(0);
    expect(last.sizes.imbalance).toBeGreaterThanOrEqual(1);
  });

  it('refills empty clusters by splitting a large one and never returns NaN centroids', async () => {
    const dims = 4;
    const data = gaussianMixture({ rows: 200, dims, components: 4, centerSpread: 3, noise: 0.3, seed: 9 });
    // Three copies of one point: ties go to the first copy, so the other two start empty.
    const init = new Float32Array(6 * dims);
    for (let c = 0; c < 6; c++) init.set(data.points.subarray((c < 3 ? 0 : c) * dims, ((c < 3 ? 0 : c) + 1) * dims), c * dims);
    const { model, history } = await fitKMeans(data.points, dims, { k: 6, iterations: 5, init, seed: 4, threads: 1 });
    expect(history[0].sizes.empty).toBe(2);
    expect(history[0].emptySplits).toBe(2);
    expect(model.centroids.every(Number.isFinite)).toBe(true);
    expect(history.at(-1)!.sizes.empty).toBe(0);
  });

  it('is deterministic by seed and independent of the thread count', async () => {
    const data = gaussianMixture({ rows: 1500, dims: 12, components: 30, noise: 0.6, seed: 1 });
    const run = (seed: number, threads: number) => fitKMeans(data.points, 12, { k: 20, iterations: 6, seed, threads });
    const a = await run(7, 1);
    const b = await run(7, 2);
    const c = await run(8, 2);
    expect(b.model.centroids).toEqual(a.model.centroids);
    expect(b.history.map((m) => m.inertia)).toEqual(a.history.map((m) => m.inertia));
    expect(c.model.centroids).not.toEqual(a.model.centroids);
  });

  it('trains on a subsample of maxPointsPerCentroid·k rows, then assigns every row', async () => {
    const { model, trainingRows } = await fitKMeans(blobs.points, 10, { k: 6, iterations: 8, maxPointsPerCentroid: 20, seed: 1 });
    expect(trainingRows.length).toBe(120);
    expect(new Set(trainingRows).size).toBe(120);
    expect(model.training!.trainingRows).toBe(120);
    const { labels } = await assignToModel(model, blobs.points);
    expect(labels.length).toBe(600);
    expect(labelAgreement(labels, blobs.components).ari).toBeGreaterThan(0.99);
    const full = await fitKMeans(blobs.points, 10, { k: 6, iterations: 1, maxPointsPerCentroid: 0 });
    expect(full.trainingRows.length).toBe(600);
  });

  it('accepts features as several row blocks with the same result as one matrix', async () => {
    const rows = blobs.points.length / 10;
    const blocks = [blobs.points.subarray(0, 170 * 10), blobs.points.subarray(170 * 10, 400 * 10), blobs.points.subarray(400 * 10)];
    const whole = await fitKMeans(blobs.points, 10, { k: 6, iterations: 4, seed: 5 });
    const split = await fitKMeans(blocks, 10, { k: 6, iterations: 4, seed: 5 });
    expect(split.model.centroids).toEqual(whole.model.centroids);
    expect(rows).toBe(600);
  });

  it('reports NMI/ARI/purity per iteration when ground truth is given', async () => {
    const history: IterationMetrics[] = [];
    await fitKMeans(blobs.points, 10, { k: 6, iterations: 3, groundTruth: blobs.components, onIteration: (m) => history.push(m) });
    expect(history.every((m) => m.agreement !== undefined)).toBe(true);
    expect(history.at(-1)!.agreement!.purity).toBeGreaterThan(0.9);
  });

  it('rejects invalid options with a message naming the problem', async () => {
    await expect(fitKMeans(blobs.points, 10, { k: 0 })).rejects.toThrow(/invalid k-means options[\s\S]*k/);
    await expect(fitKMeans(blobs.points.subarray(0, 30), 10, { k: 5 })).rejects.toThrow(/at least 5 points/);
    await expect(fitKMeans(blobs.points, 7, { k: 2 })).rejects.toThrow(/multiple of dims=7/);
  });
});
