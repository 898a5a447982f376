/**
 * Network construction from the run config. conv1 is 5×5 at stride 1 everywhere, so conv weights learnt on
 * Jigsaw tiles transfer to full images and to the target net whatever the input sizes (kernels must match;
 * strides would change the scale the filters see).
 */
import * as tf from '@tensorflow/tfjs';
import type { PipelineConfig } from '@ktlab/config';
import { puzzleGeometry } from '@ktlab/jigsaw';
import { alexnetSmall, buildClassifier, buildTrunk, jigsawNet, transferConvWeights, vggSmall, type JigsawNet } from '@ktlab/models';

export type Arch = 'alexnet' | 'vgg';

export const CONV1 = { conv1Kernel: 5, conv1Stride: 1 } as const;

export function trunkFor(arch: Arch, inputSize: number, widthMultiplier: number, seed: number): tf.LayersModel {
  return buildTrunk(arch, { inputSize, channels: 3, widthMultiplier, seed, ...CONV1 });
}

export function classifierFor(arch: Arch, inputSize: number, widthMultiplier: number, numClasses: number, seed: number): tf.LayersModel {
  const options = { inputSize, channels: 3, widthMultiplier, numClasses, seed, ...CONV1 };
  return arch === 'alexnet' ? alexnetSmall(options) : vggSmall(options);
}

/** The cluster-classification (and supervised) target net of a run: `numClasses` is k, or the label count. */
export function targetClassifierFor(config: PipelineConfig, numClasses: number): tf.LayersModel {
  return classifierFor(config.target.arch, config.imageSize, config.target.widthMultiplier, numClasses, config.seed + 17);
}

/** Side of the Jigsaw tiles cut from the pretext stage's images (their working size is `pretext.imageSize`). */
export function pretextTileSize(config: PipelineConfig): number {
  return puzzleGeometry(config.pretext.imageSize).tileSize;
}

/** The pretext stage's Jigsaw net: the pretext trunk on `tileSize` tiles, one class per permutation. */
export function pretextNetFor(config: PipelineConfig, tileSize: number, numPermutations: number): JigsawNet {
  const { arch, widthMultiplier } = config.pretext;
  return jigsawNet({ arch, tileSize, numPermutations, widthMultiplier, seed: config.seed, ...CONV1 });
}

/**
 * The rotation pretext net: the pretext trunk on whole `pretext.imageSize` images, then an fc head (fc6, fc7)
 * and a softmax over the `classes` rotations. The model shares the trunk's layers, so training it trains the trunk.
 */
export function rotationNetFor(config: PipelineConfig, classes: number): { model: tf.LayersModel; trunk: tf.LayersModel } {
  const { arch, imageSize, widthMultiplier } = config.pretext;
  const trunk = trunkFor(arch, imageSize, widthMultiplier, config.seed);
  return { model: buildClassifier(trunk, { numClasses: classes, seed: config.seed + 1, name: 'rotation_net' }), trunk };
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
