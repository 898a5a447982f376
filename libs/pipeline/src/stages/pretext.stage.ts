/**
 * Stage 1: train the pretext network on the unlabelled training images. The task (Jigsaw, Jigsaw++, rotation)
 * comes from the pretext task registry; this stage holds what every task shares: the images, the training
 * loop, the held-out measurement and the saved trunk.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices } from '@ktlab/data';
import { saveModel } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages, openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import type { PreparedPretext, PretextExamples } from '../pretext/pretext-task';
import { pretextTask } from '../pretext/pretext-tasks';
import { fit } from '../training/fit';

export interface PretextOutputs {
  /** The trained trunk (conv layers), relative to the run folder. */
  trunkDir: string;
  /** Side of the trunk's input while training the pretext (a Jigsaw tile, or the whole image for rotation). */
  inputSize: number;
  /** Classes of the pretext head (permutations, or 4 rotations). */
  classes: number;
}

export async function pretextStage(context: PipelineContext, checkpoints: StageCheckpoints): Promise<PretextOutputs | undefined> {
  const { config } = context;
  const cfg = config.pretext;
  if (cfg.task === 'none') return undefined;
  const task = pretextTask(cfg.task);
  let count = 0;
  const pretext = await task.prepare(context, async () => {
    const data = await openRunDataset(context, config.data, cfg.imageSize);
    count = data.count;
    return asImages(data);
  });
  context.log(`pretext: ${cfg.task} on ${count} images at ${cfg.imageSize}px, ${pretext.description}`);
  if (pretext.figure) {
    try {
      await pretext.figure.draw(Int32Array.from({ length: Math.min(6, count) }, (_, i) => i), config.seed, join(context.runDir, 'figures', pretext.figure.name));
    } catch (error) {
      // A figure is a by-product: failing to draw it is logged, never fails the run.
      context.log(`figures: ${pretext.figure.name}: ${(error as Error).message}`);
    }
  }
  const { model, trunk } = pretext.build();
  const heldOut = heldOutExamples(context, pretext, count);
  const trainImages = count - (heldOut?.images ?? 0);
  const batchesPerEpoch = Math.ceil(trainImages / cfg.batchSize);
  const measureEvery = cfg.heldOutEvery > 0 ? Math.max(1, Math.round(cfg.heldOutEvery / cfg.batchSize)) : batchesPerEpoch;
  await fit({
    name: 'pretext',
    stage: 'pretext',
    model,
    examples: trainImages,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: config.seed,
    order: (epoch) => shuffleIndices(trainImages, config.seed * 7919 + epoch),
    batch: (indices, step) => {
      const examples = pretext.sample(indices, config.seed, step, 'train');
      return { x: tf.tensor(examples.x, [examples.size, ...examples.shape]), y: tf.tensor1d(examples.labels, 'int32') };
    },
    step: task.step,
    checkpointDir: join(context.runDir, 'pretext', 'checkpoint'),
    context,
    afterStep: async (stepsDone, endOfEpoch) => {
      if (!heldOut || !(endOfEpoch || stepsDone % measureEvery === 0)) return;
      const top1 = await heldOutTop1(model, heldOut.examples);
      await context.metric('pretext/heldout_top1', stepsDone, top1);
      await context.metric('pretext/puzzles_seen', stepsDone, stepsDone * cfg.batchSize * pretext.examplesPerImage);
      context.log(
        `pretext: held-out top-1 ${(100 * top1).toFixed(1)}% after ${stepsDone * cfg.batchSize * pretext.examplesPerImage} ${pretext.examplesName} ` +
          `(${heldOut.examples.size} ${pretext.examplesName} of ${heldOut.images} held-out images; chance ${(100 / pretext.classes).toFixed(2)}%)`,
      );
    },
  });
  await saveModel(trunk, join(context.runDir, 'pretext', 'trunk'));
  model.dispose();
  const outputs: PretextOutputs = { trunkDir: 'pretext/trunk', inputSize: pretext.inputSize, classes: pretext.classes };
  checkpoints.complete('pretext', outputs, ['pretext/trunk/model.json']);
  return outputs;
}

/** Examples measured per forward pass: bounds the memory of a held-out measurement. */
const MEASURE_BATCH = 128;

/**
 * The last `pretext.heldOutImages` images of the dataset, kept out of training, and a fixed set of examples
 * made from them (a seed of their own, so the same examples are measured after every step and on a resume).
 */
function heldOutExamples(context: PipelineContext, pretext: PreparedPretext, count: number): { images: number; examples: PretextExamples } | undefined {
  const requested = context.config.pretext.heldOutImages;
  if (requested === 0) return undefined;
  if (requested >= count) {
    throw new Error(`pretext.heldOutImages (${requested}) must be smaller than the dataset (${count} images): nothing would be left to train on`);
  }
  const indices = Int32Array.from({ length: requested }, (_, i) => count - requested + i);
  return { images: requested, examples: pretext.sample(indices, context.config.seed + HELD_OUT_SEED, 0, 'held-out') };
}

const HELD_OUT_SEED = 104_729;

/** Top-1 accuracy of the pretext net's prediction on `examples` (inference mode). */
export async function heldOutTop1(model: tf.LayersModel, examples: PretextExamples): Promise<number> {
  const floats = examples.shape.reduce((a, b) => a * b, 1);
  let correct = 0;
  for (let start = 0; start < examples.size; start += MEASURE_BATCH) {
    const size = Math.min(MEASURE_BATCH, examples.size - start);
    const best = tf.tidy(() => {
      const x = tf.tensor(examples.x.subarray(start * floats, (start + size) * floats), [size, ...examples.shape]);
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    const predicted = await best.data();
    best.dispose();
    for (let i = 0; i < size; i++) if (predicted[i] === examples.labels[start + i]) correct++;
  }
  return correct / Math.max(1, examples.size);
}
