import * as tf from '@tensorflow/tfjs';
import type { SgdMomentum } from './sgd-momentum.js';

/**
 * One optimizer step on `computeLoss` (which must run the model forward itself, in training mode): gradients
 * of the loss w.r.t. the model's trainable weights, then the optimizer update. Returns the loss value.
 */
export function lossStep(model: tf.LayersModel, optimizer: SgdMomentum, computeLoss: () => tf.Scalar, learningRate: number): number {
  const weights = model.trainableWeights;
  const variables = weights.map((weight) => weight.read() as tf.Variable);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(computeLoss, variables);
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
