import * as tf from '@tensorflow/tfjs';
import { tapModel } from '../layers/tap-model.js';

/** The trunk feature map a dense head sits on, and how many input pixels one of its cells spans. */
export interface TappedFeatures {
  inputs: tf.SymbolicTensor[];
  features: tf.SymbolicTensor;
  inputSize: number;
  featureSize: number;
  /** inputSize / featureSize (an integer: heads need a whole number of pixels per cell). */
  stride: number;
}

/**
 * The output of `tap` (a conv block such as `conv5`, or any layer name; see resolveTap) on a square-input trunk,
 * as a symbolic tensor in the trunk's own graph, so that a head built on it shares the trunk's layers and weights
 * (freezing the trunk = setting those layers' `trainable` to false).
 */
export function tapFeatures(trunk: tf.LayersModel, tap: string, what: string): TappedFeatures {
  const tapped = tapModel(trunk, tap);
  if (tapped.inputs.length !== 1) throw new Error(`${what}: trunk '${trunk.name}' must have exactly one input`);
  const features = tapped.outputs[0];
  const [, inputHeight, inputWidth] = tapped.inputs[0].shape;
  const [, height, width] = features.shape;
  if (features.shape.length !== 4 || !height || !width || !inputHeight || !inputWidth) {
    throw new Error(`${what}: tap '${tap}' must give a feature map [batch, height, width, channels], got [${features.shape.join(', ')}]`);
  }
  if (inputHeight !== inputWidth || height !== width) throw new Error(`${what}: input and feature map must be square`);
  if (inputHeight % height !== 0) {
    throw new Error(`${what}: input ${inputHeight}×${inputHeight} is not a whole multiple of tap '${tap}' (${height}×${height}); choose another tap or input size`);
  }
  return { inputs: tapped.inputs, features, inputSize: inputHeight, featureSize: height, stride: inputHeight / height };
}
