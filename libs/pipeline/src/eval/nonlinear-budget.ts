/**
 * The nonlinear protocol's trained layers fitted for several training budgets on cached frozen features: the
 * frozen part (conv1 … layer, inference mode) runs once per image, its standardised output is kept, and the layers
 * after it train with the protocol's own classifier, seeds, optimizer and schedule (fit) — without augmentation, since a
 * cached feature cannot be flipped or shifted. A budget costs the trained layers' steps only, so it measures cheaply
 * whether the protocol's budget or the frozen features limit a nonlinear score (issue #17).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { shuffleIndices, type ImageDataset } from '@ktlab/data';
import { imagesToTensor, sliceImages } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages } from '../datasets';
import { fit } from '../training/fit';
import { boundaryStatistics, BoundaryStandardiser, frozenSplit, statisticsImages } from './frozen-boundary';
import { NONLINEAR_SEED_OFFSET } from './nonlinear';
import { TRAINED_SUBSET_SEED_OFFSET } from './train-and-score';
import { transferredClassifier } from './transferred-classifier';

export interface NonlinearBudget {
  /** Training images (a seeded choice when fewer than the evaluation set has, as the protocol's trainLimit). */
  images: number;
  epochs: number;
}

export interface NonlinearBudgetResult extends NonlinearBudget {
  top1: number;
  seconds: number;
}

export interface NonlinearBudgetRun {
  layer: string;
  /** The layer whose standardised output is cached (the tap, or the flatten after pool5). */
  boundary: string;
  dims: number;
  results: NonlinearBudgetResult[];
}

/** Standardised boundary features of every image, row-major. */
async function boundaryFeatures(lower: tf.LayersModel, standardiser: BoundaryStandardiser, data: ImageDataset): Promise<Float32Array> {
  const images = asImages(data);
  let out: Float32Array | undefined;
  for (let start = 0; start < data.count; start += 256) {
    const count = Math.min(256, data.count - start);
    const y = tf.tidy(() => standardiser.apply(lower.predict(imagesToTensor(sliceImages(images, start, count))) as tf.Tensor));
    const values = (await y.data()) as Float32Array;
    y.dispose();
    out ??= new Float32Array(data.count * (values.length / count));
    out.set(values, start * (values.length / count));
  }
  return out ?? new Float32Array(0);
}

function rowsOf(features: Float32Array, dims: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => out.set(features.subarray(row * dims, (row + 1) * dims), i * dims));
  return out;
}

export async function nonlinearBudgets(
  context: PipelineContext,
  trained: tf.LayersModel,
  layer: string,
  data: { train: ImageDataset; test: ImageDataset; numClasses: number },
  budgets: readonly NonlinearBudget[],
): Promise<NonlinearBudgetRun> {
  const { config } = context;
  const { train, test } = data;
  const trainLabels = train.labels;
  const testLabels = test.labels;
  if (!trainLabels || !testLabels) throw new Error('nonlinearBudgets: the evaluation images have no labels');
  const seed = config.seed + NONLINEAR_SEED_OFFSET;
  const reference = transferredClassifier(config, trained, data.numClasses, layer);
  const split = frozenSplit(reference, layer);
  const standardiser = new BoundaryStandardiser(await boundaryStatistics(split.lower, statisticsImages(train, seed + 5)));
  const shape = split.upper.inputs[0].shape.slice(1) as number[];
  const dims = shape.reduce((a, b) => a * b, 1);
  let trainX: Float32Array;
  let testX: Float32Array;
  try {
    trainX = await boundaryFeatures(split.lower, standardiser, train);
    testX = await boundaryFeatures(split.lower, standardiser, test);
  } finally {
    standardiser.dispose();
    split.upper.dispose();
    reference.dispose();
  }
  const results: NonlinearBudgetResult[] = [];
  for (const budget of budgets) {
    const started = performance.now();
    const rows = budget.images >= train.count ? Int32Array.from({ length: train.count }, (_, i) => i) : Int32Array.from(shuffleIndices(train.count, config.seed + TRAINED_SUBSET_SEED_OFFSET).subarray(0, budget.images)).sort();
    const model = transferredClassifier(config, trained, data.numClasses, layer);
    const fresh = frozenSplit(model, layer);
    const checkpointDir = mkdtempSync(join(tmpdir(), 'ktlab-nonlinear-budget-'));
    try {
      await fit({
        name: `eval/nonlinear-budget/${layer}`,
        stage: 'eval',
        model: fresh.upper,
        examples: rows.length,
        epochs: budget.epochs,
        batchSize: config.evaluation.batchSize,
        learningRate: config.evaluation.learningRate,
        seed,
        order: (epoch) => shuffleIndices(rows.length, seed * 7_919 + epoch),
        batch: (indices) => {
          const chosen = indices.map((i) => rows[i]);
          return { x: tf.tensor(rowsOf(trainX, dims, chosen), [chosen.length, ...shape]), y: tf.tensor1d(chosen.map((row) => trainLabels[row]), 'int32') };
        },
        checkpointDir,
        context,
      });
      let correct = 0;
      for (let start = 0; start < test.count; start += 512) {
        const count = Math.min(512, test.count - start);
        const classes = tf.tidy(() => (fresh.upper.predict(tf.tensor(testX.subarray(start * dims, (start + count) * dims), [count, ...shape])) as tf.Tensor).argMax(-1));
        const predicted = await classes.data();
        classes.dispose();
        for (let i = 0; i < count; i++) if (predicted[i] === testLabels[start + i]) correct++;
      }
      const top1 = correct / test.count;
      results.push({ ...budget, images: rows.length, top1, seconds: Math.round((performance.now() - started) / 100) / 10 });
      context.log(`nonlinear ${layer}, ${rows.length} images × ${budget.epochs} epochs on cached features: ${(100 * top1).toFixed(1)}%`);
    } finally {
      rmSync(checkpointDir, { recursive: true, force: true });
      fresh.upper.dispose();
      model.dispose();
    }
  }
  return { layer, boundary: split.boundary, dims, results };
}
