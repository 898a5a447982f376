/**
 * The regression baseline of knowledge transfer (Noroozi et al. 2018, Table 3 "Regression"): instead of
 * predicting cluster ids, the student (the target architecture) regresses the teacher's features directly —
 * the features stage's output for the labelling data, i.e. the pretext trunk at `clustering.layer`, max-pooled
 * to `clustering.grid`. Student: trunk → flatten → dense(dims), mean squared error.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { shuffleIndices } from '@ktlab/data';
import { readNpy } from '@ktlab/kmeans';
import { regressionStepAsync } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages, type openDataset } from '../datasets';
import { regressionStudentFor } from '../nets';
import type { FeaturesOutputs } from '../stages/features.stage';
import { fit } from './fit';
import { regressionBatch } from './image-batches';
import { standardiseColumns } from './standardise-columns';

type Dataset = Awaited<ReturnType<typeof openDataset>>;

export async function distillByRegression(context: PipelineContext, features: FeaturesOutputs, data: Dataset): Promise<tf.LayersModel> {
  const { config } = context;
  const cfg = config.target;
  const { rows, dims } = features.labeling;
  if (rows !== data.count) throw new Error(`the teacher's features cover ${rows} images, the pseudo-label dataset has ${data.count}; rerun the features stage`);
  const teacher = await readNpy(join(context.runDir, features.labeling.file));
  // Teacher activations are ReLU maxima whose scale differs by orders of magnitude between channels (and between
  // teachers). Each dimension is z-scored over the labelling set (mean 0, std 1; constant ones become 0), so every
  // dimension weighs the same in the MSE, the loss starts near 1 whatever the teacher, and the target's default
  // learning rate works without tuning.
  const targets = standardiseColumns(teacher.data as Float32Array, dims);
  const student = regressionStudentFor(cfg.arch, config.imageSize, cfg.widthMultiplier, dims, config.seed + 17);
  const images = asImages(data);
  context.log(`regression: student ${cfg.arch} regresses ${dims} standardised teacher dims on ${rows} images`);
  await fit({
    name: 'target',
    stage: 'cluster-classification',
    model: student,
    examples: rows,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: config.seed + 17,
    order: (epoch) => shuffleIndices(rows, config.seed * 104_729 + epoch),
    batch: (indices) => regressionBatch(images, targets, dims, indices),
    step: (model, optimizer, batch, learningRate) => regressionStepAsync(model, optimizer, batch.x, batch.y as tf.Tensor2D, learningRate),
    checkpointDir: join(context.runDir, 'target', 'checkpoint'),
    context,
  });
  return student;
}
