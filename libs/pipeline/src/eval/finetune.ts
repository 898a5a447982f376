/**
 * The finetune protocol (Noroozi et al. 2018, Table 3's classification column): every conv layer transferred,
 * fresh fc layers, the whole net trained on the labelled evaluation images; top-1 on the evaluation test images.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '@ktlab/data';
import type { PipelineContext } from '../context';
import { trainAndScore, type TrainAndScoreOptions } from './train-and-score';
import { transferredClassifier } from './transferred-classifier';

/** The EvalResult layer of finetune rows: the whole net is trained. */
export const FINETUNE_LAYER = 'all';

export async function finetuneAccuracy(
  context: PipelineContext,
  trained: tf.LayersModel,
  data: { train: ImageDataset; test: ImageDataset; numClasses: number },
  run: Pick<TrainAndScoreOptions, 'checkpointDir' | 'progress'>,
): Promise<number> {
  const model = transferredClassifier(context.config, trained, data.numClasses);
  try {
    return await trainAndScore(context, { ...run, name: `eval/finetune/${FINETUNE_LAYER}`, model, train: data.train, test: data.test, seed: context.config.seed + 61 });
  } finally {
    model.dispose();
  }
}
