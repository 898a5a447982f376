/**
 * Network construction from the run config. conv1 is 5×5 at stride 1 everywhere, so conv weights learnt on
 * Jigsaw tiles transfer to full images and to the target net whatever the input sizes (kernels must match;
 * strides would change the scale the filters see).
 */
import type * as tf from '@tensorflow/tfjs';
import { alexnetSmall, buildTrunk, transferConvWeights, vggSmall } from '@ktlab/models';

export type Arch = 'alexnet' | 'vgg';

export const CONV1 = { conv1Kernel: 5, conv1Stride: 1 } as const;

export function trunkFor(arch: Arch, inputSize: number, widthMultiplier: number, seed: number): tf.LayersModel {
  return buildTrunk(arch, { inputSize, channels: 3, widthMultiplier, seed, ...CONV1 });
}

export function classifierFor(arch: Arch, inputSize: number, widthMultiplier: number, numClasses: number, seed: number): tf.LayersModel {
  const options = { inputSize, channels: 3, widthMultiplier, numClasses, seed, ...CONV1 };
  return arch === 'alexnet' ? alexnetSmall(options) : vggSmall(options);
}

/** A trunk at a new input size carrying the conv weights of `source`. */
export function retarget(source: tf.LayersModel, arch: Arch, inputSize: number, widthMultiplier: number, seed: number): tf.LayersModel {
  const trunk = trunkFor(arch, inputSize, widthMultiplier, seed);
  transferConvWeights(source, trunk);
  return trunk;
}
