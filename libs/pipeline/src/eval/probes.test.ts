/**
 * The two frozen-feature protocols on data whose answer is known: well separated Gaussian clusters (one per
 * class) must be classified (almost) perfectly, and the same features with the training labels shuffled carry
 * no information about the test labels, so both protocols must fall to chance.
 */
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { Xoshiro128Float53 } from '@ktlab/random';
import { selectBackend } from '@ktlab/tf-backend';
import { knnAccuracy } from './knn';
import { linearProbe, type ProbeData } from './linear-probe';

const CLASSES = 4;
const DIMS = 16;

/** `perClass` points around each class's centre (centres 8σ apart on their own axes), labels in class order. */
function clusters(perClass: number, seed: number): ProbeData {
  const random = new Xoshiro128Float53(seed);
  const rows = perClass * CLASSES;
  const features = new Float32Array(rows * DIMS);
  const labels = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const label = row % CLASSES;
    labels[row] = label;
    for (let d = 0; d < DIMS; d++) features[row * DIMS + d] = random.nextNormal() + (d === label ? 8 : 0);
  }
  return { features, dims: DIMS, labels };
}

/**
 * The same points with labels that say nothing about them: within every cluster each class is equally frequent,
 * in a random order. (A plain shuffle would leave each cluster a random majority, i.e. only four independent
 * guesses for the whole test set.)
 */
function withUninformativeLabels(data: ProbeData, seed: number): ProbeData {
  const random = new Xoshiro128Float53(seed);
  const labels = new Int32Array(data.labels.length);
  for (let cluster = 0; cluster < CLASSES; cluster++) {
    const rows = Array.from(data.labels.keys()).filter((row) => data.labels[row] === cluster);
    const drawn = rows.map((_, i) => i % CLASSES);
    for (let i = drawn.length - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      [drawn[i], drawn[j]] = [drawn[j], drawn[i]];
    }
    rows.forEach((row, i) => (labels[row] = drawn[i]));
  }
  return { ...data, labels };
}

const train = clusters(60, 1);
const test = clusters(50, 2);
const shuffled = withUninformativeLabels(train, 3);
const chance = 1 / CLASSES;

describe('frozen-feature probes on data with a known answer', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));

  it('the shuffled labels give every cluster each class equally often', () => {
    for (let cluster = 0; cluster < CLASSES; cluster++) {
      const inCluster = shuffled.labels.filter((_, row) => train.labels[row] === cluster);
      expect(Array.from({ length: CLASSES }, (_, c) => inCluster.filter((label) => label === c).length)).toEqual([15, 15, 15, 15]);
    }
  });

  describe('linear probe', () => {
    const options = { numClasses: CLASSES, epochs: 20, batchSize: 32, learningRate: 0.01, seed: 7 };

    it('separates separable clusters', async () => {
      const losses: number[] = [];
      const accuracy = await linearProbe(train, test, { ...options, onEpoch: (_, loss) => losses.push(loss) });
      expect(accuracy).toBeGreaterThanOrEqual(0.99);
      expect(losses).toHaveLength(options.epochs);
      expect(losses.at(-1)!).toBeLessThan(losses[0] / 4);
    });

    it('falls to chance when the training labels are shuffled', async () => {
      const accuracy = await linearProbe(shuffled, test, options);
      expect(Math.abs(accuracy - chance)).toBeLessThan(0.15);
    });

    it('gives the same accuracy for the same seed', async () => {
      const first = await linearProbe(shuffled, test, { ...options, epochs: 3 });
      expect(await linearProbe(shuffled, test, { ...options, epochs: 3 })).toBe(first);
    });

    it('stops when its signal is aborted', async () => {
      const controller = new AbortController();
      controller.abort('test over');
      await expect(linearProbe(train, test, { ...options, signal: controller.signal })).rejects.toThrow(/linear probe stopped: test over/);
    });
  });

  describe('kNN', () => {
    it('separates separable clusters', async () => {
      expect(await knnAccuracy(train, test, { k: 20, numClasses: CLASSES })).toBe(1);
    });

    it('falls to chance when the training labels are shuffled', async () => {
      const accuracy = await knnAccuracy(shuffled, test, { k: 20, numClasses: CLASSES });
      expect(Math.abs(accuracy - chance)).toBeLessThan(0.15);
    });

    it('weights each neighbour by exp(similarity / τ): one close neighbour outvotes two far ones at a low temperature', async () => {
      // the test point (1, 0); class 1 has one neighbour at cosine 0.99, class 0 two at cosine 0.8
      const angle = (cos: number) => [cos, Math.sqrt(1 - cos * cos)];
      const neighbours: ProbeData = { features: Float32Array.from([...angle(0.8), ...angle(0.8), ...angle(0.99)]), dims: 2, labels: Int32Array.from([0, 0, 1]) };
      const point: ProbeData = { features: Float32Array.from([1, 0]), dims: 2, labels: Int32Array.from([1]) };
      // exp(0.99/τ) > 2·exp(0.8/τ) ⟺ τ < 0.19/ln 2 ≈ 0.27
      expect(await knnAccuracy(neighbours, point, { k: 3, numClasses: 2, temperature: 0.07 })).toBe(1);
      expect(await knnAccuracy(neighbours, point, { k: 3, numClasses: 2, temperature: 1 })).toBe(0);
      // with k = 1 only the nearest votes, whatever the temperature
      expect(await knnAccuracy(neighbours, point, { k: 1, numClasses: 2, temperature: 1 })).toBe(1);
    });
  });
});
