import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from '../layers/batch-normalization.js';
import { conv2d } from '../layers/conv2d.js';
import type { WeightInitializer } from './seeded-initializers.js';

export interface ConvBlockSpec {
  /** Block name: the conv layer gets it, batch norm `<name>_bn`, the activation `<name>_relu`. */
  name: string;
  filters: number;
  kernelSize: number;
  strides?: number;
  batchNorm: boolean;
  kernelInitializer: WeightInitializer;
}

/**
 * Conv → (BatchNorm) → ReLU with predictable layer names. The ReLU is always its own layer so that a block's
 * output (what "features at conv4" means) is the `<name>_relu` layer whether or not batch norm is used.
 */
export function convBlock(input: tf.SymbolicTensor, spec: ConvBlockSpec): tf.SymbolicTensor {
  let x = conv2d({
    name: spec.name,
    filters: spec.filters,
    kernelSize: spec.kernelSize,
    strides: spec.strides ?? 1,
    padding: 'same',
    // Batch norm's beta makes a conv bias redundant.
    useBias: !spec.batchNorm,
    kernelInitializer: spec.kernelInitializer,
  }).apply(input) as tf.SymbolicTensor;
  if (spec.batchNorm) {
    x = batchNormalization({ name: `${spec.name}_bn`, momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
  }
  return tf.layers.reLU({ name: `${spec.name}_relu` }).apply(x) as tf.SymbolicTensor;
}

export function maxPool(input: tf.SymbolicTensor, name: string, poolSize: number, strides: number): tf.SymbolicTensor {
  return tf.layers.maxPooling2d({ name, poolSize, strides, padding: 'same' }).apply(input) as tf.SymbolicTensor;
}
