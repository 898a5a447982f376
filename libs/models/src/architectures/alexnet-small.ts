import type * as tf from '@tensorflow/tfjs';
import { buildClassifier, type ClassifierHeadOptions } from './build-classifier.js';
import { buildTrunk } from './build-trunk.js';
import type { TrunkOptionsInput } from './trunk-options.js';

export type AlexnetSmallOptions = TrunkOptionsInput & Omit<ClassifierHeadOptions, 'seed'>;

/**
 * The target network: AlexNet-style 5 conv + 3 fc (conv1…conv5, fc6…fc8, then softmax), scaled for small
 * images. See README for the layer table.
 */
export function alexnetSmall(options: AlexnetSmallOptions): tf.LayersModel {
  const { numClasses, hiddenUnits, dropout, name, ...trunk } = options;
  // The head's seed is offset so that trunk and head never share a random stream.
  const seed = trunk.seed === undefined ? undefined : trunk.seed + 1;
  return buildClassifier(buildTrunk('alexnet', trunk), { numClasses, hiddenUnits, dropout, seed, name: name ?? 'alexnet_small' });
}
