/**
 * DistanceEngine on the active TensorFlow.js backend, for GPU hosts: distances come from one `matMul` per
 * chunk of rows (‖c‖² − 2x·c; ‖x‖² is added back only for the winner), argmin and the per-cluster sums
 * (`unsortedSegmentSum`) stay on the device, and only labels and distances are downloaded.
 *
 * The namespace is passed in (typed against tfjs-core) so the caller decides the backend and package
 * (@tensorflow/tfjs, tfjs-node-gpu, ...).
 */
import type * as TF from '@tensorflow/tfjs-core';
import { checkAssignArguments, type ClusterAccumulation, type DistanceEngine } from './distance-engine.js';

export interface TfEngineOptions {
  /** Rows per matMul; bounds the chunk×k score matrix on the device (default 8192). */
  rowsPerChunk?: number;
}

export class TfDistanceEngine implements DistanceEngine {
  private centroids: TF.Tensor2D | undefined;
  private centroidNorms: TF.Tensor2D | undefined;
  private sums: TF.Tensor2D | undefined;
  private counts: TF.Tensor1D | undefined;
  private k = 0;
  private dims = 0;
  private readonly rowsPerChunk: number;

  constructor(private readonly tf: typeof TF, options: TfEngineOptions = {}) {
    this.rowsPerChunk = options.rowsPerChunk ?? 8192;
    if (!Number.isInteger(this.rowsPerChunk) || this.rowsPerChunk < 1) {
      throw new RangeError(`rowsPerChunk must be a positive integer, got ${this.rowsPerChunk}`);
    }
  }

  get name(): string {
    return `tfjs-${this.tf.getBackend()}`;
  }

  async setCentroids(centroids: Float32Array, k: number, dims: number): Promise<void> {
    if (centroids.length !== k * dims) throw new RangeError(`centroids hold ${centroids.length} values, expected k×dims=${k * dims}`);
    this.release();
    const tf = this.tf;
    this.k = k;
    this.dims = dims;
    const installed = tf.tensor2d(centroids, [k, dims]);
    this.centroids = installed;
    this.centroidNorms = tf.tidy(() => tf.reshape(tf.sum(tf.square(installed), 1), [1, k]) as TF.Tensor2D);
    this.sums = tf.zeros([k, dims]);
    this.counts = tf.zeros([k]);
  }

  async assign(points: Float32Array, labels: Int32Array, distances: Float32Array, accumulate = false): Promise<void> {
    const rows = checkAssignArguments(points, labels, distances, this.dims);
    const { tf, centroids, centroidNorms } = this;
    if (!centroids || !centroidNorms) throw new Error('setCentroids must be called before assign');
    for (let first = 0; first < rows; first += this.rowsPerChunk) {
      const count = Math.min(this.rowsPerChunk, rows - first);
      const x = tf.tensor2d(points.subarray(first * this.dims, (first + count) * this.dims), [count, this.dims]);
      const [chunkLabels, chunkDistances]: TF.Tensor1D[] = tf.tidy(() => {
        const scores = tf.sub(centroidNorms, tf.mul(tf.matMul(x, centroids, false, true), 2));
        const pointNorms = tf.sum(tf.square(x), 1);
        return [tf.argMin(scores, 1) as TF.Tensor1D, tf.relu(tf.add(pointNorms, tf.min(scores, 1))) as TF.Tensor1D];
      });
      labels.set((await chunkLabels.data()) as Int32Array, first);
      distances.set((await chunkDistances.data()) as Float32Array, first);
      if (accumulate && this.sums && this.counts) {
        const previousSums = this.sums;
        const previousCounts = this.counts;
        [this.sums, this.counts] = tf.tidy(() => [
          tf.add(previousSums, tf.unsortedSegmentSum(x, chunkLabels, this.k)) as TF.Tensor2D,
          tf.add(previousCounts, tf.unsortedSegmentSum(tf.onesLike(tf.cast(chunkLabels, 'float32')), chunkLabels, this.k)) as TF.Tensor1D,
        ]);
        previousSums.dispose();
        previousCounts.dispose();
      }
      tf.dispose([x, chunkLabels, chunkDistances]);
    }
  }

  async readAccumulated(): Promise<ClusterAccumulation> {
    if (!this.sums || !this.counts) throw new Error('setCentroids must be called before readAccumulated');
    return { sums: Float64Array.from(await this.sums.data()), counts: Float64Array.from(await this.counts.data()) };
  }

  async dispose(): Promise<void> {
    this.release();
  }

  private release(): void {
    this.tf.dispose([this.centroids, this.centroidNorms, this.sums, this.counts].filter((t) => t !== undefined) as TF.Tensor[]);
    this.centroids = this.centroidNorms = this.sums = undefined;
    this.counts = undefined;
  }
}
