/**
 * Shared by the protocols that train a network on the labelled evaluation images (nonlinear, finetune): SGD via
 * fit() (epoch checkpoints, metrics, abort), optionally with the layers up to a tap frozen, then top-1 accuracy
 * of the whole net on the evaluation test images. With a frozen part, the features it hands to the trained layers
 * are standardised with the training images' statistics (frozen-boundary.ts), in training and in scoring.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices, type ImageDataset } from '@ktlab/data';
import { imagesToTensor, sliceImages, trainStepAsync } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages } from '../datasets';
import { fit, type FitOptions } from '../training/fit';
import { labelledBatch } from '../training/image-batches';
import { boundaryStatistics, BoundaryStandardiser, frozenSplit, statisticsImages } from './frozen-boundary';

/** Seeds the choice of `evaluation.trainLimit` images the trained protocols learn from. */
export const TRAINED_SUBSET_SEED_OFFSET = 37;

export interface TrainAndScoreOptions {
  /** Metric prefix: `eval/<protocol>/<layer>` → `…/loss`, `…/epoch_loss`, `…/learning_rate`. */
  name: string;
  /** A classifier ending in the `probabilities` softmax; trained in place. */
  model: tf.LayersModel;
  /**
   * Train only the layers after this tap. The layers up to it (and the weightless layers right after it, e.g.
   * pool5 and flatten after conv5) run in inference mode, so their weights AND their batch-norm statistics stay
   * exactly as transferred (tfjs's batch norm ignores `trainable`); their output is standardised per feature with
   * statistics of the training images before the trained layers see it.
   */
  frozenUpTo?: string;
  train: ImageDataset;
  test: ImageDataset;
  seed: number;
  checkpointDir: string;
  progress: FitOptions['progress'];
}

export async function trainAndScore(context: PipelineContext, options: TrainAndScoreOptions): Promise<number> {
  const cfg = context.config.evaluation;
  const { model, train } = options;
  if (!train.labels || !options.test.labels) throw new Error(`${options.name}: the evaluation images have no labels`);
  const labels = train.labels;
  const images = asImages(train);
  const split = options.frozenUpTo ? frozenSplit(model, options.frozenUpTo) : undefined;
  let standardiser: BoundaryStandardiser | undefined;
  try {
    let frozen: ((x: tf.Tensor) => tf.Tensor) | undefined;
    if (split) {
      const statistics = await boundaryStatistics(split.lower, statisticsImages(train, options.seed + 5));
      const standardise = (standardiser = new BoundaryStandardiser(statistics));
      frozen = (x) => tf.tidy(() => standardise.apply(split.lower.predict(x) as tf.Tensor));
      context.log(`${options.name}: ${split.boundary} standardised with the statistics of ${statistics.images} training images`);
    }
    await fit({
      name: options.name,
      stage: 'eval',
      model,
      examples: train.count,
      epochs: cfg.trainEpochs,
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      seed: options.seed,
      order: (epoch) => shuffleIndices(train.count, options.seed * 7_919 + epoch),
      batch: (indices, step) => labelledBatch(images, labels, indices, cfg.augment && { augment: cfg.augment, seed: options.seed + 3, step }),
      step:
        split && frozen
          ? async (_model, optimizer, batch, learningRate) => {
              const features = frozen(batch.x);
              try {
                return await trainStepAsync(split.upper, optimizer, features, batch.y as tf.Tensor1D, learningRate);
              } finally {
                features.dispose();
              }
            }
          : undefined,
      checkpointDir: options.checkpointDir,
      context,
      progress: options.progress,
    });
    const scores = split && frozen ? split.upper : model;
    const features = frozen ?? ((x: tf.Tensor) => x);
    return await top1Of((x) => scores.predict(features(x), { batchSize: x.shape[0] }) as tf.Tensor, options.test);
  } finally {
    standardiser?.dispose();
    // `upper` re-applied the layers after the boundary (one more reference each); `lower` only views them.
    split?.upper.dispose();
  }
}

/** Top-1 accuracy of a classifier on labelled images (inference mode); predictions are read asynchronously. */
export function top1(model: tf.LayersModel, data: ImageDataset): Promise<number> {
  return top1Of((x) => model.predict(x, { batchSize: x.shape[0] }) as tf.Tensor, data);
}

/** Top-1 accuracy of class scores `predict(images)` (inference mode) on labelled images. */
async function top1Of(predict: (images: tf.Tensor) => tf.Tensor, data: ImageDataset): Promise<number> {
  const { labels } = data;
  if (!labels) throw new Error('top1: the images have no labels');
  const images = asImages(data);
  let correct = 0;
  for (let start = 0; start < data.count; start += 128) {
    const count = Math.min(128, data.count - start);
    const classes = tf.tidy(() => predict(imagesToTensor(sliceImages(images, start, count))).argMax(-1));
    const predicted = await classes.data();
    classes.dispose();
    for (let i = 0; i < count; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return correct / Math.max(1, data.count);
}
