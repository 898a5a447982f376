import * as tf from '@tensorflow/tfjs';
import { logitsModel } from '../layers/logits-model.js';
import { lossStep, lossStepAsync } from './loss-step.js';
import type { SgdMomentum } from './sgd-momentum.js';

const logitsByModel = new WeakMap<tf.LayersModel, tf.LayersModel>();

/**
 * One SGD step of softmax cross-entropy on a classifier (anything ending in the `probabilities` layer,
 * the Jigsaw net included): forward in training mode (dropout on, batch-norm statistics updated), gradients of
 * the mean loss w.r.t. the model's trainable weights, optimizer update. Returns the batch's mean loss.
 */
export function trainStep(
  model: tf.LayersModel,
  optimizer: SgdMomentum,
  inputs: tf.Tensor,
  labels: tf.Tensor1D,
  learningRate: number,
): number {
  return lossStep(model, optimizer, classifierLoss(model, inputs, labels), learningRate);
}

/** `trainStep` with the loss read asynchronously (works on every backend, webgpu included). */
export function trainStepAsync(model: tf.LayersModel, optimizer: SgdMomentum, inputs: tf.Tensor, labels: tf.Tensor1D, learningRate: number): Promise<number> {
  return lossStepAsync(model, optimizer, classifierLoss(model, inputs, labels), learningRate);
}

function classifierLoss(model: tf.LayersModel, inputs: tf.Tensor, labels: tf.Tensor1D): () => tf.Scalar {
  let logits = logitsByModel.get(model);
  if (!logits) {
    logits = logitsModel(model);
    logitsByModel.set(model, logits);
  }
  const net = logits;
  const numClasses = net.outputs[0].shape[1] as number;
  return () => {
    const output = net.apply(inputs, { training: true }) as tf.Tensor2D;
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels.toInt(), numClasses), output) as tf.Scalar;
  };
}
