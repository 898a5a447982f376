import * as tf from '@tensorflow/tfjs';
import { convBlock, maxPool } from './conv-block.js';
import { SeededInitializers } from './seeded-initializers.js';
import { firstConvGeometry, scaledWidth, type TrunkOptions } from './trunk-options.js';

/** Full-width filter counts of conv1…conv5: the paper's AlexNet (Krizhevsky et al. 2012, single tower). */
export const ALEXNET_WIDTHS = [96, 256, 384, 384, 256] as const;

/**
 * AlexNet-style trunk: conv1 → pool1 → conv2 → pool2 → conv3 → conv4 → conv5 → pool5 (3×3/2 overlapping pools).
 * At 32×32: 32 → 16 → 8 → 4, so conv4 is 8×8 and pool5 is 4×4.
 */
export function alexnetTrunk(options: TrunkOptions): tf.LayersModel {
  const init = new SeededInitializers(options.seed);
  const conv = (x: tf.SymbolicTensor, index: number, kernelSize: number, strides = 1) =>
    convBlock(x, {
      name: `conv${index + 1}`,
      filters: scaledWidth(ALEXNET_WIDTHS[index], options.widthMultiplier),
      kernelSize,
      strides,
      batchNorm: options.batchNorm,
      kernelInitializer: init.heNormal(),
    });
  const first = firstConvGeometry(options);
  const input = tf.input({ name: 'image', shape: [options.inputSize, options.inputSize, options.channels] });

  let x = conv(input, 0, first.kernelSize, first.strides);
  x = maxPool(x, 'pool1', 3, 2);
  x = conv(x, 1, 5);
  x = maxPool(x, 'pool2', 3, 2);
  x = conv(x, 2, 3);
  x = conv(x, 3, 3);
  x = conv(x, 4, 3);
  x = maxPool(x, 'pool5', 3, 2);
  return tf.model({ name: 'alexnet_trunk', inputs: input, outputs: x });
}
