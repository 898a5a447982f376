import * as tf from '@tensorflow/tfjs';
import type { SgdMomentum } from './sgd-momentum.js';

/**
 * One SGD step of mean squared error between the model's output (e.g. a student's dense regression head) and
 * `targets` (e.g. a teacher's features, one row per input): forward in training mode, gradients of the mean
 * loss w.r.t. the model's trainable weights, optimizer update. Returns the batch's mean loss (averaged over
 * rows and dimensions).
 */
export function regressionStep(model: tf.LayersModel, optimizer: SgdMomentum, inputs: tf.Tensor, targets: tf.Tensor2D, learningRate: number): number {
  const output = model.outputs[0].shape;
  if (model.outputs.length !== 1 || output.length !== 2 || output[1] !== targets.shape[1]) {
    throw new Error(`regressionStep: model '${model.name}' outputs [${output}] but the targets have ${targets.shape[1]} dims per row`);
  }
  const weights = model.trainableWeights;
  const variables = weights.map((weight) => weight.read() as tf.Variable);
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => {
      const predicted = model.apply(inputs, { training: true }) as tf.Tensor2D;
      return tf.losses.meanSquaredError(targets, predicted) as tf.Scalar;
    }, variables);
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
