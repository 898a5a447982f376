import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { SeededInitializers } from '../architectures/seeded-initializers.js';
import { parseOptions } from '../parse-options.js';
import { tapFeatures } from './dense-head-options.js';

export const fcnHeadOptionsSchema = z.strictObject({
  /** Labels per pixel, background included (K object classes → K + 1). */
  numLabels: z.number().int().min(2).max(255),
  /** Trunk layer the classifier reads (see resolveTap); conv5 is 8×8 at 96×96 for the AlexNet-style trunk. */
  tap: z.string().min(1).default('conv5'),
  name: z.string().min(1).default('fcn'),
  seed: z.number().int().min(0).max(2_000_000).optional(),
});
export type FcnHeadOptions = z.input<typeof fcnHeadOptionsSchema>;

export interface FcnSegmenter {
  /** image → [N, S, S, numLabels] per-pixel label logits at the input size S. */
  model: tf.LayersModel;
  numLabels: number;
  inputSize: number;
  /** Upsampling factor from the tap to the input. */
  stride: number;
}

/**
 * FCN-style segmentation head (Long et al. 2015, FCN-32s without skips): a 1×1 conv classifier on the tap's
 * features, then bilinear upsampling by the tap's stride to the input size. Shares the trunk's layers.
 */
export function buildFcnSegmenter(trunk: tf.LayersModel, head: FcnHeadOptions): FcnSegmenter {
  const options = parseOptions(fcnHeadOptionsSchema, head, 'buildFcnSegmenter head');
  const tapped = tapFeatures(trunk, options.tap, 'buildFcnSegmenter');
  const init = new SeededInitializers(options.seed);
  const scores = tf.layers
    .conv2d({ name: 'fcn_classifier', filters: options.numLabels, kernelSize: 1, kernelInitializer: init.glorotUniform() })
    .apply(tapped.features) as tf.SymbolicTensor;
  const upsampled = tf.layers
    .upSampling2d({ name: 'fcn_upsample', size: [tapped.stride, tapped.stride], interpolation: 'bilinear' })
    .apply(scores) as tf.SymbolicTensor;
  return {
    model: tf.model({ name: options.name, inputs: tapped.inputs, outputs: upsampled }),
    numLabels: options.numLabels,
    inputSize: tapped.inputSize,
    stride: tapped.stride,
  };
}

/** Mean per-pixel softmax cross-entropy of [N, S, S, L] logits against [N, S, S] integer label maps. */
export function segmentationLoss(logits: tf.Tensor4D, labels: tf.Tensor3D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels.toInt(), logits.shape[3]), logits) as tf.Scalar);
}

/** Per-pixel argmax: [N, S, S] predicted label maps (what mean IoU is computed on). */
export function predictLabels(logits: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => tf.argMax(logits, 3) as tf.Tensor3D);
}
