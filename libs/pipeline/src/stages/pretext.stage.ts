/** Stage 1: train the pretext network on Jigsaw / Jigsaw++ puzzles of the unlabelled training images. */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices } from '@ktlab/data';
import { PuzzleSampler, type PuzzleBatch } from '@ktlab/jigsaw';
import { saveModel } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages, openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { examplePuzzlesFigure } from '../figures';
import { pretextNetFor } from '../nets';
import { pretextPermutations, recordPermutations } from './pretext-permutations';
import { fit } from '../training/fit';

export interface PretextOutputs {
  /** The trained trunk (conv layers), relative to the run folder. */
  trunkDir: string;
  tileSize: number;
}

export async function pretextStage(context: PipelineContext, checkpoints: StageCheckpoints): Promise<PretextOutputs | undefined> {
  const { config } = context;
  const cfg = config.pretext;
  if (cfg.task === 'none') return undefined;
  // The file first: a wrong or missing one fails the run before the images are decoded.
  const permutations = await pretextPermutations(config, context.datasetRoots);
  const data = await openRunDataset(context, config.data, cfg.imageSize);
  const sampler = new PuzzleSampler({
    images: asImages(data) as ConstructorParameters<typeof PuzzleSampler>[0]['images'],
    permutations,
    config: {
      grayProbability: cfg.grayProbability,
      projectionProbability: cfg.projectionProbability,
      maxOccluded: cfg.task === 'jigsaw++' ? cfg.maxOccludedTiles : 0,
    },
  });
  const tileSize = sampler.geometry.tileSize;
  const record = await recordPermutations(context, permutations);
  context.log(
    `pretext: ${cfg.task} on ${data.count} images at ${cfg.imageSize}px, tiles ${tileSize}px, ${permutations.size} permutations ` +
      `(${record.source === 'generated' ? 'generated' : `from ${record.source}`}; minimum Hamming distance ${record.minHamming}, mean ${record.meanHamming.toFixed(2)})`,
  );
  try {
    const examples = sampler.sample(Int32Array.from({ length: Math.min(6, data.count) }, (_, i) => i), config.seed, 0);
    await examplePuzzlesFigure(examples, join(context.runDir, 'figures', 'example-puzzles.png'));
  } catch (error) {
    // A figure is a by-product: failing to draw it is logged, never fails the run.
    context.log(`figures: example puzzles: ${(error as Error).message}`);
  }
  const { model, trunk } = pretextNetFor(config, tileSize, permutations.size);
  const heldOut = heldOutPuzzles(context, sampler, data.count);
  const trainImages = data.count - (heldOut?.images ?? 0);
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
      const puzzles = sampler.sample(indices, config.seed, step);
      return {
        x: tf.tensor5d(puzzles.tiles, [puzzles.size, 9, tileSize, tileSize, 3]),
        y: tf.tensor1d(puzzles.labels, 'int32'),
      };
    },
    checkpointDir: join(context.runDir, 'pretext', 'checkpoint'),
    context,
    afterStep: async (stepsDone, endOfEpoch) => {
      if (!heldOut || !(endOfEpoch || stepsDone % measureEvery === 0)) return;
      const top1 = await heldOutTop1(model, heldOut.puzzles, tileSize);
      await context.metric('pretext/heldout_top1', stepsDone, top1);
      await context.metric('pretext/puzzles_seen', stepsDone, stepsDone * cfg.batchSize);
      context.log(
        `pretext: held-out top-1 ${(100 * top1).toFixed(1)}% after ${stepsDone * cfg.batchSize} puzzles ` +
          `(${heldOut.puzzles.size} puzzles of ${heldOut.images} held-out images; chance ${(100 / permutations.size).toFixed(2)}%)`,
      );
    },
  });
  await saveModel(trunk, join(context.runDir, 'pretext', 'trunk'));
  model.dispose();
  const outputs = { trunkDir: 'pretext/trunk', tileSize };
  checkpoints.complete('pretext', outputs, ['pretext/trunk/model.json']);
  return outputs;
}

/** Puzzles measured per forward pass: bounds the memory of a held-out measurement. */
const MEASURE_BATCH = 128;

/**
 * The last `pretext.heldOutImages` images of the dataset, kept out of training, and one fixed puzzle per image
 * cut from them (a seed of their own, so the same puzzles are measured after every step and on a resume).
 */
function heldOutPuzzles(context: PipelineContext, sampler: PuzzleSampler, count: number): { images: number; puzzles: PuzzleBatch } | undefined {
  const requested = context.config.pretext.heldOutImages;
  if (requested === 0) return undefined;
  if (requested >= count) {
    throw new Error(`pretext.heldOutImages (${requested}) must be smaller than the dataset (${count} images): nothing would be left to train on`);
  }
  const indices = Int32Array.from({ length: requested }, (_, i) => count - requested + i);
  return { images: requested, puzzles: sampler.sample(indices, context.config.seed + HELD_OUT_SEED, 0) };
}

const HELD_OUT_SEED = 104_729;

/** Top-1 accuracy of the Jigsaw net's permutation prediction on `puzzles` (inference mode). */
export async function heldOutTop1(model: tf.LayersModel, puzzles: PuzzleBatch, tileSize: number): Promise<number> {
  const tileFloats = 9 * tileSize * tileSize * 3;
  let correct = 0;
  for (let start = 0; start < puzzles.size; start += MEASURE_BATCH) {
    const size = Math.min(MEASURE_BATCH, puzzles.size - start);
    const best = tf.tidy(() => {
      const x = tf.tensor5d(puzzles.tiles.subarray(start * tileFloats, (start + size) * tileFloats), [size, 9, tileSize, tileSize, 3]);
      return (model.predict(x) as tf.Tensor).argMax(-1);
    });
    const predicted = await best.data();
    best.dispose();
    for (let i = 0; i < size; i++) if (predicted[i] === puzzles.labels[start + i]) correct++;
  }
  return correct / Math.max(1, puzzles.size);
}
