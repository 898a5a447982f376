import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact, encodeArtifact, loadModel, saveModel } from './artifact.js';
import { assignToModel } from './assign.js';
import { fitKMeans } from './kmeans.js';
import { labelAgreement } from './metrics.js';
import { readPseudoLabels, writePseudoLabels } from './pseudo-labels.js';
import { gaussianMixture } from './synthetic.js';

describe('model artifact', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ktlab-kmeans-artifact-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const fitSet = gaussianMixture({ rows: 500, dims: 12, components: 5, centerSpread: 4, noise: 0.3, seed: 8 });

  it('fits on one dataset and labels another through the saved artifact (with PCA-whitening + L2)', async () => {
    const { model } = await fitKMeans(fitSet.points, 12, { k: 5, iterations: 10, seed: 3, preprocessing: { pcaDims: 6, l2Normalize: true } });
    const path = join(dir, 'model.ktkm');
    await saveModel(path, model);
    const loaded = await loadModel(path);
    expect(loaded.centroids).toEqual(model.centroids);
    expect(loaded.preprocessing.pca!.projection).toEqual(model.preprocessing.pca!.projection);
    expect(loaded.training?.trainingRows).toBe(500);

    // The other dataset: the same mixture components, a fresh sample of points, in another order.
    const other = gaussianMixture({ rows: 300, dims: 12, components: 5, centerSpread: 4, noise: 0.3, seed: 8, pointSeed: 99 });
    expect(other.points.subarray(0, 12)).not.toEqual(fitSet.points.subarray(0, 12));
    const shuffled = new Float32Array(other.points.length);
    const truth = new Int32Array(300);
    for (let r = 0; r < 300; r++) {
      const from = (r * 7) % 300;
      shuffled.set(other.points.subarray(from * 12, (from + 1) * 12), r * 12);
      truth[r] = other.components[from];
    }
    const direct = await assignToModel(model, shuffled, { threads: 1 });
    const viaFile = await assignToModel(loaded, [shuffled.subarray(0, 100 * 12), shuffled.subarray(100 * 12)], { threads: 2, rowsPerBatch: 64 });
    expect(viaFile.labels).toEqual(direct.labels);
    expect(labelAgreement(viaFile.labels, truth).ari).toBe(1);

    const ids = Array.from({ length: 300 }, (_, i) => `test/class "${truth[i]}", image #${i}.jpg`);
    await writePseudoLabels(join(dir, 'labels.jsonl'), { k: model.k, model: path, ids, labels: viaFile.labels, distances: viaFile.distances });
    const read = await readPseudoLabels(join(dir, 'labels.jsonl'));
    expect(read.ids).toEqual(ids);
    expect(read.labels).toEqual(viaFile.labels);
    expect(read.model).toBe(path);
    read.distances!.forEach((d, i) => expect(d).toBeCloseTo(viaFile.distances[i], 5));
  });

  it('round-trips a model without preprocessing', async () => {
    const { model } = await fitKMeans(fitSet.points, 12, { k: 4, iterations: 2 });
    const decoded = decodeArtifact(encodeArtifact(model));
    expect(decoded.centroids).toEqual(model.centroids);
    expect(decoded.preprocessing).toEqual({ inputDims: 12, outputDims: 12, l2Normalize: false });
  });

  it('decodes from a Node Buffer that is a view into a larger pool (as HTTP bodies and file reads are)', async () => {
    const { model } = await fitKMeans(fitSet.points, 12, { k: 4, iterations: 2 });
    const encoded = encodeArtifact(model);
    const pool = Buffer.alloc(encoded.length + 37, 0xff);
    pool.set(encoded, 37);
    expect(decodeArtifact(pool.subarray(37)).centroids).toEqual(model.centroids);
  });

  it('names the problem in damaged or foreign files', async () => {
    const { model } = await fitKMeans(fitSet.points, 12, { k: 4, iterations: 1 });
    const bytes = encodeArtifact(model);
    expect(() => decodeArtifact(new TextEncoder().encode('hello world, not a model'))).toThrow(/no KTKMEANS magic/);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(8, 99, true);
    expect(() => decodeArtifact(future)).toThrow(/version 99 is not supported/);
    expect(() => decodeArtifact(bytes.subarray(0, bytes.length - 8))).toThrow(/runs past the end/);
    const path = join(dir, 'broken.ktkm');
    await writeFile(path, bytes.subarray(0, 20));
    await expect(loadModel(path)).rejects.toThrow(/broken\.ktkm/);
    expect((await readFile(path)).length).toBe(20);
  });
});
