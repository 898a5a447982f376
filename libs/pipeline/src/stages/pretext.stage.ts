/** Stage 1: train the pretext network on Jigsaw / Jigsaw++ puzzles of the unlabelled training images. */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices } from '@ktlab/data';
import { generateMaximinPermutations, PuzzleSampler } from '@ktlab/jigsaw';
import { jigsawNet, saveModel } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages, openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { examplePuzzlesFigure } from '../figures';
import { CONV1 } from '../nets';
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
  const data = await openRunDataset(context, config.data, cfg.imageSize);
  const permutations = generateMaximinPermutations({ count: cfg.permutations, seed: config.seed });
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
  context.log(`pretext: ${cfg.task} on ${data.count} images at ${cfg.imageSize}px, tiles ${tileSize}px, ${permutations.size} permutations`);
  try {
    const examples = sampler.sample(Int32Array.from({ length: Math.min(6, data.count) }, (_, i) => i), config.seed, 0);
    await examplePuzzlesFigure(examples, join(context.runDir, 'figures', 'example-puzzles.png'));
  } catch (error) {
    // A figure is a by-product: failing to draw it is logged, never fails the run.
    context.log(`figures: example puzzles: ${(error as Error).message}`);
  }
  const { model, trunk } = jigsawNet({
    arch: cfg.arch,
    tileSize,
    numPermutations: permutations.size,
    widthMultiplier: cfg.widthMultiplier,
    seed: config.seed,
    ...CONV1,
  });
  await fit({
    name: 'pretext',
    stage: 'pretext',
    model,
    examples: data.count,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: config.seed,
    order: (epoch) => shuffleIndices(data.count, config.seed * 7919 + epoch),
    batch: (indices, step) => {
      const puzzles = sampler.sample(indices, config.seed, step);
      return {
        x: tf.tensor5d(puzzles.tiles, [puzzles.size, 9, tileSize, tileSize, 3]),
        y: tf.tensor1d(puzzles.labels, 'int32'),
      };
    },
    checkpointDir: join(context.runDir, 'pretext', 'checkpoint'),
    context,
  });
  await saveModel(trunk, join(context.runDir, 'pretext', 'trunk'));
  model.dispose();
  const outputs = { trunkDir: 'pretext/trunk', tileSize };
  checkpoints.complete('pretext', outputs, ['pretext/trunk/model.json']);
  return outputs;
}
