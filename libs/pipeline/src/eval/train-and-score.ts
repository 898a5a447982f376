/**
 * Shared by the protocols that train a network on the labelled evaluation images (nonlinear, finetune): SGD via
 * fit() (epoch checkpoints, metrics, abort), optionally with the layers up to a tap frozen, then top-1 accuracy
 * of the whole net on the evaluation test images.
 */
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices, type ImageDataset } from '@ktlab/data';
import { imagesToTensor, sliceImages, splitAt, trainStepAsync } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages } from '../datasets';
import { fit, type FitOptions } from '../training/fit';
import { labelledBatch } from '../training/image-batches';

export interface TrainAndScoreOptions {
  /** Metric prefix: `eval/<protocol>/<layer>` → `…/loss`, `…/epoch_loss`, `…/learning_rate`. */
  name: string;
  /** A classifier ending in the `probabilities` softmax; trained in place. */
  model: tf.LayersModel;
  /**
   * Train only the layers after this tap. The layers up to it run in inference mode, so their weights AND their
   * batch-norm statistics stay exactly as transferred (tfjs's batch norm ignores `trainable`).
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
  const split = options.frozenUpTo ? splitAt(model, options.frozenUpTo) : undefined;
  try {
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
      step: split
        ? async (_model, optimizer, batch, learningRate) => {
            const frozen = tf.tidy(() => split.lower.predict(batch.x) as tf.Tensor);
            try {
              return await trainStepAsync(split.upper, optimizer, frozen, batch.y as tf.Tensor1D, learningRate);
            } finally {
              frozen.dispose();
            }
          }
        : undefined,
      checkpointDir: options.checkpointDir,
      context,
      progress: options.progress,
    });
  } finally {
    // `upper` re-applied the layers after the tap (one more reference each); `lower` only views them.
    split?.upper.dispose();
  }
  return top1(model, options.test);
}

/** Top-1 accuracy of a classifier on labelled images (inference mode); predictions are read asynchronously. */
export async function top1(model: tf.LayersModel, data: ImageDataset): Promise<number> {
  const { labels } = data;
  if (!labels) throw new Error('top1: the images have no labels');
  const images = asImages(data);
  let correct = 0;
  for (let start = 0; start < data.count; start += 128) {
    const count = Math.min(128, data.count - start);
    const classes = tf.tidy(() => (model.predict(imagesToTensor(sliceImages(images, start, count)), { batchSize: count }) as tf.Tensor).argMax(-1));
    const predicted = await classes.data();
    classes.dispose();
    for (let i = 0; i < count; i++) if (predicted[i] === labels[start + i]) correct++;
  }
  return correct / Math.max(1, data.count);
}
