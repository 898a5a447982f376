/**
 * The worker check: a small conv net learns to tell horizontal from vertical bars in generated 8x8 images.
 * Deterministic for a seed, so a resumed attempt re-sends the same points (which the portal de-duplicates).
 */
import * as tf from '@tensorflow/tfjs';
import type { SmokeConfig } from '@ktlab/config';
import { Sfc32, tfjsSeed } from '@ktlab/random';
import { throwIfAborted, type Job } from './job';
import { blockThisThread, busyStepMsFromEnv } from './test-busy-steps';

const SIZE = 8;


export function barsBatch(batchSize: number, random: () => number): { images: Float32Array; labels: Int32Array } {
  const images = new Float32Array(batchSize * SIZE * SIZE);
  const labels = new Int32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    const vertical = random() < 0.5 ? 1 : 0;
    const line = Math.floor(random() * SIZE);
    labels[b] = vertical;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const onBar = vertical ? x === line : y === line;
        images[b * SIZE * SIZE + y * SIZE + x] = (onBar ? 1 : 0) + (random() - 0.5) * 0.6;
      }
    }
  }
  return { images, labels };
}

function buildNet(seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [SIZE, SIZE, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: tfjsSeed(seed) }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

export const smokeJob: Job = async (context) => {
  const config = context.config as SmokeConfig;
  const seeded = new Sfc32(config.seed);
  const random = () => seeded.nextFloat();
  const model = buildNet(config.seed);
  const optimizer = tf.train.sgd(config.learningRate);
  await context.stage('train', 0, 'running', 0);
  let lastStageReport = 0;
  // 0 unless a lease test asks for steps that hold the main thread (KTLAB_TEST_BUSY_STEP_MS under a test runner)
  const busyStepMs = busyStepMsFromEnv(process.env, context.log);
  try {
    for (let step = 0; step < config.steps; step++) {
      throwIfAborted(context.signal);
      const { images, labels } = barsBatch(config.batchSize, random);
      const [lossTensor, accuracyTensor] = tf.tidy(() => {
        const x = tf.tensor4d(images, [config.batchSize, SIZE, SIZE, 1]);
        const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
        const lossValue = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.predict(x) as tf.Tensor) as tf.Scalar, true) as tf.Scalar;
        const predicted = (model.predict(x) as tf.Tensor).argMax(1);
        const acc = predicted.equal(tf.tensor1d(labels, 'int32')).mean();
        return [lossValue, acc];
      });
      // Read asynchronously: every backend can (webgpu cannot read synchronously under Node).
      const [loss, accuracy] = [(await lossTensor.data())[0], (await accuracyTensor.data())[0]];
      tf.dispose([lossTensor, accuracyTensor]);
      if (busyStepMs > 0) blockThisThread(busyStepMs);
      await context.metric('train/loss', step, loss);
      await context.metric('train/accuracy', step, accuracy);
      if (Date.now() - lastStageReport > 1000) {
        lastStageReport = Date.now();
        await context.stage('train', 0, 'running', (step + 1) / config.steps);
      }
      if (config.stepDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, config.stepDelayMs));
    }
  } finally {
    model.dispose();
    optimizer.dispose();
  }
  await context.stage('train', 0, 'succeeded', 1);
  return {};
};
