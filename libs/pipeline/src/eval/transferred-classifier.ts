/**
 * The evaluated architecture as a fresh classifier for the evaluation classes, carrying the trained net's conv
 * weights (the paper's transfer: conv layers copied, fc layers always from scratch).
 */
import type * as tf from '@tensorflow/tfjs';
import type { PipelineConfig } from '@ktlab/config';
import { convLayerNames, transferConvWeights } from '@ktlab/models';
import { classifierFor, evaluatedNet } from '../nets';

/** Seeds the fresh layers of evaluation classifiers, apart from every other stream of the run. */
const EVAL_SEED_OFFSET = 53;

function stageOf(convLayer: string): number {
  return Number(/^conv(\d+)/.exec(convLayer)?.[1] ?? Number.NaN);
}

/**
 * @param upTo copy conv1 … `upTo` (for VGG, every conv of those stages) and leave the later convs freshly
 *   initialised; all conv layers by default.
 */
export function transferredClassifier(config: PipelineConfig, trained: tf.LayersModel, numClasses: number, upTo?: string): tf.LayersModel {
  const { arch, widthMultiplier } = evaluatedNet(config);
  const model = classifierFor(arch, config.imageSize, widthMultiplier, numClasses, config.seed + EVAL_SEED_OFFSET);
  const last = upTo === undefined ? Number.POSITIVE_INFINITY : stageOf(upTo);
  if (Number.isNaN(last)) throw new Error(`transferredClassifier: '${upTo}' is not a conv layer (conv1 … conv5)`);
  const blocks = convLayerNames(model).filter((name) => stageOf(name) <= last);
  try {
    transferConvWeights(trained, model, blocks);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return model;
}
