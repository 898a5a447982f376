import * as tf from '@tensorflow/tfjs';
import { logitsModel } from '../layers/logits-model.js';
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
  let logits = logitsByModel.get(model);
  if (!logits) {
    logits = logitsModel(model);
    logitsByModel.set(model, logits);
  }
  const net = logits;
  const numClasses = net.outputs[0].shape[1] as number;
  const weights = model.trainableWeights;
  const variables = weights.map((weight) => weight.read() as tf.Variable);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const output = net.apply(inputs, { training: true }) as tf.Tensor2D;
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels.toInt(), numClasses), output) as tf.Scalar;
    }, variables);
    // Weights are named by layer (`conv1/kernel`), stable across processes, so checkpointed momentum resumes.
    optimizer.step(
      weights.map((weight, i) => ({ name: weight.originalName, variable: variables[i], gradient: grads[variables[i].name] })),
      learningRate,
    );
    return value;
  });
  const result = loss.dataSync()[0];
  loss.dispose();
  return result;
}
