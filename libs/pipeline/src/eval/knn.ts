/**
 * Weighted kNN on frozen features (Wu et al. 2018's protocol, common in self-supervised evaluation): cosine
 * similarity on L2-normalised rows, the k most similar training images vote with weight exp(similarity / τ).
 * Cheap enough for curves during training.
 */
import * as tf from '@tensorflow/tfjs';
import type { ProbeData } from './linear-probe';

function l2Rows(data: Float32Array, dims: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < data.length / dims; r++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += data[r * dims + d] ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dims; d++) out[r * dims + d] = data[r * dims + d] * scale;
  }
  return out;
}

/** Similarities and votes' inputs are read asynchronously (every backend can, webgpu included). */
export async function knnAccuracy(train: ProbeData, test: ProbeData, options: { k: number; numClasses: number; temperature?: number }): Promise<number> {
  const { dims } = train;
  const k = Math.min(options.k, train.labels.length);
  const temperature = options.temperature ?? 0.07;
  const trainMatrix = tf.tensor2d(l2Rows(train.features, dims), [train.labels.length, dims]);
  const testNorm = l2Rows(test.features, dims);
  let correct = 0;
  try {
    for (let start = 0; start < test.labels.length; start += 256) {
      const count = Math.min(256, test.labels.length - start);
      const top = tf.tidy(() => {
        const sims = tf.tensor2d(testNorm.subarray(start * dims, (start + count) * dims), [count, dims]).matMul(trainMatrix, false, true);
        return tf.topk(sims, k);
      });
      const [values, indices] = await Promise.all([top.values.data(), top.indices.data()]);
      tf.dispose([top.values, top.indices]);
      for (let i = 0; i < count; i++) {
        const votes = new Float64Array(options.numClasses);
        for (let j = 0; j < k; j++) votes[train.labels[indices[i * k + j]]] += Math.exp(values[i * k + j] / temperature);
        let best = 0;
        for (let c = 1; c < options.numClasses; c++) if (votes[c] > votes[best]) best = c;
        if (best === test.labels[start + i]) correct++;
      }
    }
  } finally {
    trainMatrix.dispose();
  }
  return correct / Math.max(1, test.labels.length);
}
