/**
 * Network construction from the run config. conv1 is 5×5 at stride 1 everywhere, so conv weights learnt on
 * Jigsaw tiles transfer to full images and to the target net whatever the input sizes (kernels must match;
 * strides would change the scale the filters see).
 */
import * as tf from '@tensorflow/tfjs';
import type { PipelineConfig } from '@ktlab/config';
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

/** The regression (distillation) student: the trunk, flattened, then one linear layer predicting `dims` teacher features. */
export function regressionStudentFor(arch: Arch, inputSize: number, widthMultiplier: number, dims: number, seed: number): tf.LayersModel {
  const trunk = trunkFor(arch, inputSize, widthMultiplier, seed);
  const flat = tf.layers.flatten({ name: 'regression_flatten' }).apply(trunk.outputs[0]) as tf.SymbolicTensor;
  const head = tf.layers
    .dense({ name: 'regression', units: dims, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ name: 'regression_student', inputs: trunk.inputs, outputs: head });
}

/**
 * The architecture of the network evaluation reads (what the target stage saved): the retargeted pretext trunk
 * when the target objective is `none` after a pretext, otherwise the target net.
 */
export function evaluatedNet(config: PipelineConfig): { arch: Arch; widthMultiplier: number } {
  if (config.target.objective === 'none' && config.pretext.task !== 'none') return { arch: config.pretext.arch, widthMultiplier: config.pretext.widthMultiplier };
  return { arch: config.target.arch, widthMultiplier: config.target.widthMultiplier };
}
