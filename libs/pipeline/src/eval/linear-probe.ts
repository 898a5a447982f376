/**
 * Linear probe: a softmax classifier on frozen features (standardised with the training set's mean and
 * std), trained with Adam; returns top-1 accuracy on the test features. The paper's Table 4 protocol on
 * features pooled to ≤ ~9k dims.
 */
import * as tf from '@tensorflow/tfjs';
import { Sfc32, tfjsSeed } from '@ktlab/random';

export interface ProbeData {
  features: Float32Array;
  dims: number;
  labels: Int32Array;
}

export interface LinearProbeOptions {
  numClasses: number;
  epochs: number;
  batchSize?: number;
  learningRate?: number;
  seed: number;
  onEpoch?(epoch: number, loss: number): void;
  signal?: AbortSignal;
}

function standardise(train: ProbeData, test: ProbeData): [Float32Array, Float32Array] {
  const { dims } = train;
  const rows = train.labels.length;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dims; d++) {
      const v = train.features[r * dims + d];
      mean[d] += v;
      sq[d] += v * v;
    }
  }
  const scale = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    mean[d] /= rows;
    const variance = sq[d] / rows - mean[d] * mean[d];
    scale[d] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
  }
  const apply = (x: Float32Array) => {
    const out = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean[i % dims]) * scale[i % dims];
    return out;
  };
  return [apply(train.features), apply(test.features)];
}


export async function linearProbe(train: ProbeData, test: ProbeData, options: LinearProbeOptions): Promise<number> {
  const { dims } = train;
  const [xTrain, xTest] = standardise(train, test);
  const batchSize = options.batchSize ?? 256;
  const rows = train.labels.length;
  const random = new Sfc32(options.seed);
  const weights = tf.variable(tf.randomNormal([dims, options.numClasses], 0, 0.01, 'float32', tfjsSeed(options.seed)));
  const bias = tf.variable(tf.zeros([options.numClasses]));
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  try {
    const order = Array.from({ length: rows }, (_, i) => i);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      for (let i = rows - 1; i > 0; i--) {
        const j = random.nextInt(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      let total = 0;
      for (let start = 0; start < rows; start += batchSize) {
        if (options.signal?.aborted) throw new Error(`linear probe stopped: ${String(options.signal.reason)}`);
        const idx = order.slice(start, start + batchSize);
        const xb = new Float32Array(idx.length * dims);
        const yb = new Int32Array(idx.length);
        idx.forEach((row, i) => {
          xb.set(xTrain.subarray(row * dims, (row + 1) * dims), i * dims);
          yb[i] = train.labels[row];
        });
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(xb, [idx.length, dims]);
          const y = tf.oneHot(tf.tensor1d(yb, 'int32'), options.numClasses);
          return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, x.matMul(weights).add(bias)) as tf.Scalar, true) as tf.Scalar;
        });
        total += (await loss.data())[0] * idx.length;
        loss.dispose();
      }
      options.onEpoch?.(epoch, total / rows);
    }
    let correct = 0;
    const testRows = test.labels.length;
    for (let start = 0; start < testRows; start += 1024) {
      const count = Math.min(1024, testRows - start);
      const classes = tf.tidy(() => tf.tensor2d(xTest.subarray(start * dims, (start + count) * dims), [count, dims]).matMul(weights).add(bias).argMax(1));
      const predicted = await classes.data();
      classes.dispose();
      for (let i = 0; i < count; i++) if (predicted[i] === test.labels[start + i]) correct++;
    }
    return correct / Math.max(1, testRows);
  } finally {
    weights.dispose();
    bias.dispose();
    optimizer.dispose();
  }
}
