import type * as tf from '@tensorflow/tfjs';
import { buildClassifier, type ClassifierHeadOptions } from './build-classifier.js';
import { buildTrunk, type BuildTrunkOptions } from './build-trunk.js';

export type VggSmallOptions = BuildTrunkOptions & Omit<ClassifierHeadOptions, 'seed'>;

/** VGG-style net: conv1_1 … conv5_2 (10 convs by default), fc6 → fc7 → fc8, softmax. See README. */
export function vggSmall(options: VggSmallOptions): tf.LayersModel {
  const { numClasses, hiddenUnits, dropout, name, ...trunk } = options;
  // The head's seed is offset so that trunk and head never share a random stream.
  const seed = trunk.seed === undefined ? undefined : trunk.seed + 1;
  return buildClassifier(buildTrunk('vgg', trunk), { numClasses, hiddenUnits, dropout, seed, name: name ?? 'vgg_small' });
}
