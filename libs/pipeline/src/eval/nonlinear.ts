/**
 * The nonlinear protocol (Noroozi et al. 2018, Table 6, after Noroozi & Favaro 2016): conv1 … conv<k> of the
 * trained net transferred and frozen, everything after conv<k> (later convs, fc layers) re-initialised and trained
 * on the labelled evaluation images; top-1 accuracy on the evaluation test images. The frozen features are
 * standardised with the training images' statistics before the trained layers see them (frozen-boundary.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '@ktlab/data';
import type { PipelineContext } from '../context';
import { trainAndScore, type TrainAndScoreOptions } from './train-and-score';
import { transferredClassifier } from './transferred-classifier';

/** Seeds the nonlinear protocol's training (its order, dropout, boundary statistics) apart from the other protocols. */
export const NONLINEAR_SEED_OFFSET = 59;

export async function nonlinearAccuracy(
  context: PipelineContext,
  trained: tf.LayersModel,
  layer: string,
  data: { train: ImageDataset; test: ImageDataset; numClasses: number },
  run: Pick<TrainAndScoreOptions, 'checkpointDir' | 'progress'>,
): Promise<number> {
  const model = transferredClassifier(context.config, trained, data.numClasses, layer);
  try {
    return await trainAndScore(context, { ...run, name: `eval/nonlinear/${layer}`, model, frozenUpTo: layer, train: data.train, test: data.test, seed: context.config.seed + NONLINEAR_SEED_OFFSET });
  } finally {
    model.dispose();
  }
}
