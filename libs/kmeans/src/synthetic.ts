/** Seeded synthetic data for tests and benchmarks: an isotropic Gaussian mixture. */
import { Xoshiro128Float53 } from '@ktlab/random';

export interface GaussianMixtureOptions {
  rows: number;
  dims: number;
  components: number;
  /** Standard deviation of the component means around the origin (default 1). */
  centerSpread?: number;
  /** Standard deviation of points around their component mean (default 0.1). */
  noise?: number;
  /** Seed of the component means (and of the points unless pointSeed is given). */
  seed?: number;
  /** Separate seed for the points: same mixture, a different sample. */
  pointSeed?: number;
}

export interface GaussianMixture {
  points: Float32Array;
  /** Component of each row. */
  components: Int32Array;
  means: Float32Array;
}

export function gaussianMixture(options: GaussianMixtureOptions): GaussianMixture {
  const { rows, dims, components } = options;
  const random = new Xoshiro128Float53(options.seed ?? 0);
  const centerSpread = options.centerSpread ?? 1;
  const noise = options.noise ?? 0.1;
  const means = new Float32Array(components * dims);
  for (let i = 0; i < means.length; i++) means[i] = random.nextNormal() * centerSpread;
  const pointRandom = options.pointSeed === undefined ? random : new Xoshiro128Float53(options.pointSeed);
  const points = new Float32Array(rows * dims);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const component = r < components ? r : pointRandom.nextInt(components); // every component gets a point
    labels[r] = component;
    for (let p = 0; p < dims; p++) points[r * dims + p] = means[component * dims + p] + pointRandom.nextNormal() * noise;
  }
  return { points, components: labels, means };
}
