import * as tf from '@tensorflow/tfjs';
import { lossStep, lossStepAsync } from './loss-step.js';
import type { SgdMomentum } from './sgd-momentum.js';

/**
 * One SGD step of mean squared error between the model's output (e.g. a student's dense regression head) and
 * `targets` (e.g. a teacher's features, one row per input): forward in training mode, gradients of the mean
 * loss w.r.t. the model's trainable weights, optimizer update. Returns the batch's mean loss (averaged over
 * rows and dimensions).
 */
export function regressionStep(model: tf.LayersModel, optimizer: SgdMomentum, inputs: tf.Tensor, targets: tf.Tensor2D, learningRate: number): number {
  return lossStep(model, optimizer, regressionLoss(model, inputs, targets), learningRate);
}

/** `regressionStep` with the loss read asynchronously (works on every backend, webgpu included). */
export function regressionStepAsync(model: tf.LayersModel, optimizer: SgdMomentum, inputs: tf.Tensor, targets: tf.Tensor2D, learningRate: number): Promise<number> {
  return lossStepAsync(model, optimizer, regressionLoss(model, inputs, targets), learningRate);
}

function regressionLoss(model: tf.LayersModel, inputs: tf.Tensor, targets: tf.Tensor2D): () => tf.Scalar {
  const output = model.outputs[0].shape;
  if (model.outputs.length !== 1 || output.length !== 2 || output[1] !== targets.shape[1]) {
    throw new Error(`regressionStep: model '${model.name}' outputs [${output}] but the targets have ${targets.shape[1]} dims per row`);
  }
  return () => {
    const predicted = model.apply(inputs, { training: true }) as tf.Tensor2D;
    return tf.losses.meanSquaredError(targets, predicted) as tf.Scalar;
  };
}
