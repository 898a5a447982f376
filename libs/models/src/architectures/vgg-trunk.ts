import * as tf from '@tensorflow/tfjs';
import { convBlock, maxPool } from './conv-block.js';
import { SeededInitializers } from './seeded-initializers.js';
import { firstConvGeometry, scaledWidth, type TrunkOptions } from './trunk-options.js';

/** Full-width filter counts of VGG's five stages (Simonyan & Zisserman 2015). */
export const VGG_STAGE_WIDTHS = [64, 128, 256, 512, 512] as const;

export interface VggTrunkOptions extends TrunkOptions {
  /** 3×3 convs per stage; [2, 2, 2, 2, 2] (10 convs) by default, [2, 2, 3, 3, 3] is VGG16's conv part. */
  convsPerStage: readonly number[];
}

/**
 * VGG-style trunk: five stages of 3×3 convs named `conv<stage>_<index>` (conv1_1 … conv5_2), each stage followed
 * by a 2×2/2 max pool named `pool<stage>`. At 32×32 the stages run at 32, 16, 8, 4, 2 and pool5 is 1×1, so
 * conv4 is 4×4×512 like VGG16's pooled conv4 in the paper. A tap named `conv4` means the last conv of stage 4.
 */
export function vggTrunk(options: VggTrunkOptions): tf.LayersModel {
  if (options.convsPerStage.length !== 5 || options.convsPerStage.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`vggTrunk: convsPerStage must be 5 positive integers, got [${options.convsPerStage.join(', ')}]`);
  }
  const init = new SeededInitializers(options.seed);
  const strided = firstConvGeometry(options);
  // Unstrided, VGG's first conv is an ordinary 3×3 one; strided (large inputs) it gets the wider default kernel.
  const first = options.conv1Kernel === undefined && strided.strides === 1 ? { kernelSize: 3, strides: 1 } : strided;
  const input = tf.input({ name: 'image', shape: [options.inputSize, options.inputSize, options.channels] });

  let x = input;
  options.convsPerStage.forEach((convs, stage) => {
    const filters = scaledWidth(VGG_STAGE_WIDTHS[stage], options.widthMultiplier);
    for (let i = 1; i <= convs; i++) {
      const geometry = stage === 0 && i === 1 ? first : { kernelSize: 3, strides: 1 };
      x = convBlock(x, { name: `conv${stage + 1}_${i}`, filters, ...geometry, batchNorm: options.batchNorm, kernelInitializer: init.heNormal() });
    }
    x = maxPool(x, `pool${stage + 1}`, 2, 2);
  });
  return tf.model({ name: 'vgg_trunk', inputs: input, outputs: x });
}
