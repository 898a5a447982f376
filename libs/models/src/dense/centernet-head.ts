import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { SeededInitializers, type WeightInitializer } from '../architectures/seeded-initializers.js';
import { parseOptions } from '../parse-options.js';
import type { CenterNetTargets } from './centernet-targets.js';
import { tapFeatures } from './dense-head-options.js';

export const centerNetHeadOptionsSchema = z.strictObject({
  numClasses: z.number().int().min(1).max(254),
  /** Trunk layer the head reads (see resolveTap); conv5 keeps AlexNet's 8×8 grid at 96×96 (stride 12), pool5 is 4×4. */
  tap: z.string().min(1).default('conv5'),
  /** Width of the 3×3 conv + ReLU in front of each of the three outputs (CenterNet: 64 on DLA, 256 on Hourglass). */
  headChannels: z.number().int().min(1).max(1024).default(64),
  /** Initial heat-map bias: sigmoid(−2.19) = 0.1, CenterNet's prior, so the first focal losses are not huge. */
  heatmapBias: z.number().default(-2.19),
  name: z.string().min(1).default('centernet'),
  seed: z.number().int().min(0).max(2_000_000).optional(),
});
export type CenterNetHeadOptions = z.input<typeof centerNetHeadOptionsSchema>;

export interface CenterNet {
  /** image → [N, H, W, K + 4]: heat-map logits (K), box size in cells (2), centre offset in cells (2). */
  model: tf.LayersModel;
  numClasses: number;
  inputSize: number;
  gridSize: number;
  stride: number;
}

/**
 * CenterNet-style single-stage detector (Zhou et al. 2019, "Objects as Points") on a conv trunk's tap: three
 * branches of 3×3 conv (ReLU) → 1×1 conv give a per-class centre heat-map, the box size and the sub-cell offset of
 * the centre; concatenated into one output. The model shares the trunk's layers (and weights).
 */
export function buildCenterNet(trunk: tf.LayersModel, head: CenterNetHeadOptions): CenterNet {
  const options = parseOptions(centerNetHeadOptionsSchema, head, 'buildCenterNet head');
  const tapped = tapFeatures(trunk, options.tap, 'buildCenterNet');
  const init = new SeededInitializers(options.seed);
  const branch = (name: string, units: number, biasInitializer?: WeightInitializer) => {
    const hidden = tf.layers
      .conv2d({ name: `${name}_conv`, filters: options.headChannels, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init.heNormal() })
      .apply(tapped.features) as tf.SymbolicTensor;
    return tf.layers
      .conv2d({ name, filters: units, kernelSize: 1, kernelInitializer: init.glorotUniform(), biasInitializer })
      .apply(hidden) as tf.SymbolicTensor;
  };
  const heatmap = branch('centernet_heatmap', options.numClasses, tf.initializers.constant({ value: options.heatmapBias }));
  const size = branch('centernet_size', 2);
  const offset = branch('centernet_offset', 2);
  const output = tf.layers.concatenate({ name: 'centernet_output', axis: -1 }).apply([heatmap, size, offset]) as tf.SymbolicTensor;
  return {
    model: tf.model({ name: options.name, inputs: tapped.inputs, outputs: output }),
    numClasses: options.numClasses,
    inputSize: tapped.inputSize,
    gridSize: tapped.featureSize,
    stride: tapped.stride,
  };
}

export interface CenterNetLossWeights {
  /** CenterNet: 0.1. */
  size?: number;
  /** CenterNet: 1. */
  offset?: number;
}

/**
 * CenterNet's training loss on a batch: the penalty-reduced pixel-wise focal loss on the heat-map (α = 2, β = 4),
 * normalised by the number of objects, plus L1 losses on size (weight 0.1) and offset (weight 1) at centre cells.
 * `targets` is packCenterNetTargets' [N, H, W, K + 5] tensor, `output` the model's [N, H, W, K + 4].
 */
export function centerNetLoss(output: tf.Tensor4D, targets: tf.Tensor4D, numClasses: number, weights: CenterNetLossWeights = {}): tf.Scalar {
  return tf.tidy(() => {
    const k = numClasses;
    const [n, h, w] = output.shape;
    const part = (t: tf.Tensor4D, start: number, size: number) => t.slice([0, 0, 0, start], [n, h, w, size]);
    const logits = part(output, 0, k);
    const truth = part(targets, 0, k);
    const centres = part(targets, k + 4, 1);
    const objects = tf.maximum(centres.sum(), 1);

    // log σ(x) = −softplus(−x) and log(1 − σ(x)) = −softplus(x): stable for large |x|. (tf.logSigmoid's custom
    // gradient reads a tensor that an enclosing tidy has already disposed.)
    const logP = tf.neg(tf.softplus(tf.neg(logits)));
    const logNotP = tf.neg(tf.softplus(logits));
    const p = tf.sigmoid(logits);
    const isPeak = tf.greaterEqual(truth, 1).toFloat();
    const positive = isPeak.mul(tf.square(tf.sub(1, p))).mul(logP);
    const negative = tf.sub(1, isPeak).mul(tf.pow(tf.sub(1, truth), 4)).mul(tf.square(p)).mul(logNotP);
    const focal = tf.neg(tf.add(positive.sum(), negative.sum())).div(objects);

    const l1 = (start: number) => tf.abs(tf.sub(part(output, start, 2), part(targets, start, 2))).mul(centres).sum().div(objects);
    return focal.add(l1(k).mul(weights.size ?? 0.1)).add(l1(k + 2).mul(weights.offset ?? 1)) as tf.Scalar;
  });
}

/** The model's output for one image as decodeCenterNet's planes (heat-map through the sigmoid). */
export async function centerNetPlanes(output: tf.Tensor4D, index: number, numClasses: number): Promise<Pick<CenterNetTargets, 'heatmap' | 'size' | 'offset'>> {
  const [, h, w, channels] = output.shape;
  if (channels !== numClasses + 4) throw new Error(`CenterNet output has ${channels} channels, expected ${numClasses + 4}`);
  const [heat, size, offset] = tf.tidy(() => {
    const image = output.slice([index, 0, 0, 0], [1, h, w, channels]);
    return [tf.sigmoid(image.slice([0, 0, 0, 0], [1, h, w, numClasses])), image.slice([0, 0, 0, numClasses], [1, h, w, 2]), image.slice([0, 0, 0, numClasses + 2], [1, h, w, 2])];
  });
  try {
    return { heatmap: (await heat.data()) as Float32Array, size: (await size.data()) as Float32Array, offset: (await offset.data()) as Float32Array };
  } finally {
    tf.dispose([heat, size, offset]);
  }
}
