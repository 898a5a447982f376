import * as tf from '@tensorflow/tfjs';
import type { SgdMomentum } from './sgd-momentum.js';

/**
 * One optimizer step on `computeLoss` (which must run the model forward itself, in training mode): gradients
 * of the loss w.r.t. the model's trainable weights, then the optimizer update. Returns the loss value.
 */
export function lossStep(model: tf.LayersModel, optimizer: SgdMomentum, computeLoss: () => tf.Scalar, learningRate: number): number {
  const loss = stepReturningLoss(model, optimizer, computeLoss, learningRate);
  const result = loss.dataSync()[0];
  loss.dispose();
  return result;
}

/**
 * `lossStep` that reads the loss asynchronously: the form every backend supports (tfjs-backend-webgpu cannot
 * read a GPU tensor synchronously under Node), and the only read-back of the step.
 */
export async function lossStepAsync(model: tf.LayersModel, optimizer: SgdMomentum, computeLoss: () => tf.Scalar, learningRate: number): Promise<number> {
  const loss = stepReturningLoss(model, optimizer, computeLoss, learningRate);
  try {
    return (await loss.data())[0];
  } finally {
    loss.dispose();
  }
}

function stepReturningLoss(model: tf.LayersModel, optimizer: SgdMomentum, computeLoss: () => tf.Scalar, learningRate: number): tf.Scalar {
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
  return loss;
}
