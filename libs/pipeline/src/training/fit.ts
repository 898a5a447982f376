/**
 * The one training loop of the pipeline (pretext, cluster classification, supervised, regression): seeded
 * epoch orders, SGD with momentum and a cosine learning rate, a step metric per batch, and a checkpoint
 * (weights, momentum buffers, epoch) after every epoch so a killed run resumes where it stopped.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '@ktlab/data';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { cosineLr, loadModel, saveModel, SgdMomentum, trainStepAsync } from '@ktlab/models';
import { throttle, throwIfAborted, type PipelineContext, type StageKind } from '../context';
import { loadTensorMap, saveTensorMap } from '../io/tensor-file';
import { eventLoopYielder } from './event-loop-yielder';
import { seedDropoutForStep } from './step-seeded-dropout';

/** How long a training loop may keep the event loop to itself (see event-loop-yielder.ts). */
const YIELD_EVERY_MS = 200;

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

export interface FitOptions {
  /** Metric prefix, e.g. `pretext` → `pretext/loss`. */
  name: string;
  stage: StageKind;
  model: tf.LayersModel;
  examples: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Seeds dropout masks per step, so a resumed run replays the same steps exactly. */
  seed: number;
  order(epoch: number): Int32Array;
  batch(indices: Int32Array, batchIndex: number): Batch;
  /** Loss of one step; default: softmax cross-entropy on the model's `probabilities` layer. */
  step?(model: tf.LayersModel, optimizer: SgdMomentum, batch: Batch, learningRate: number): number | Promise<number>;
  checkpointDir: string;
  context: PipelineContext;
  /** Where this fit sits in its stage's progress (default: the whole stage), and a label for its messages. */
  progress?: { from: number; to: number; label: string };
  /**
   * Called after every step with the number of steps done so far (across epochs and resumes) and whether it
   * ended an epoch, before that epoch's checkpoint: where a stage measures the model as it trains.
   */
  afterStep?(stepsDone: number, endOfEpoch: boolean): Promise<void> | void;
}

interface EpochRecord {
  epochsDone: number;
  step: number;
  /** Folder (inside checkpointDir) holding this epoch's weights and momentum buffers. */
  dir: string;
}

export async function fit(options: FitOptions): Promise<void> {
  const { model, context, checkpointDir } = options;
  const optimizer = new SgdMomentum({});
  const recordFile = join(checkpointDir, 'epoch.json');
  let start: EpochRecord = { epochsDone: 0, step: 0, dir: '' };
  if (existsSync(recordFile)) {
    start = JSON.parse(readFileSync(recordFile, 'utf8')) as EpochRecord;
    const saved = await loadModel(join(checkpointDir, start.dir, 'model'));
    model.setWeights(saved.getWeights());
    saved.dispose();
    optimizer.setState(loadTensorMap(join(checkpointDir, start.dir, 'optimizer.bin')));
    context.log(`${options.name}: resuming after epoch ${start.epochsDone}`);
  }
  const batchesPerEpoch = Math.ceil(options.examples / options.batchSize);
  const totalSteps = batchesPerEpoch * options.epochs;
  const report = throttle(1000, (progress: number, message: string) => context.stage(options.stage, 'running', progress, message));
  let step = start.step;
  const yieldToEventLoop = eventLoopYielder(YIELD_EVERY_MS);
  // Per epoch, from the base rate to 0 over the fit (a fit shorter than an epoch keeps the base rate).
  const learningRateAt = cosineLr({ base: options.learningRate, total: Math.max(1, options.epochs) });
  try {
    for (let epoch = start.epochsDone; epoch < Math.ceil(options.epochs); epoch++) {
      const learningRate = learningRateAt(epoch);
      const order = options.order(epoch);
      const batches = Math.min(batchesPerEpoch, Math.ceil(((options.epochs - epoch) * options.examples) / options.batchSize));
      let epochLoss = 0;
      for (let b = 0; b < batches; b++) {
        throwIfAborted(context.signal);
        const indices = order.subarray(b * options.batchSize, Math.min(order.length, (b + 1) * options.batchSize));
        const batch = options.batch(indices, step);
        seedDropoutForStep(model, options.seed, step);
        let loss: number;
        try {
          // The loss is the step's only read-back, and asynchronous: webgpu cannot read synchronously under Node.
          loss = await (options.step
            ? options.step(model, optimizer, batch, learningRate)
            : trainStepAsync(model, optimizer, batch.x, batch.y as tf.Tensor1D, learningRate));
        } finally {
          batch.x.dispose();
          batch.y.dispose();
        }
        if (!Number.isFinite(loss)) throw new Error(`${options.name}: the loss became ${loss} at step ${step}; lower the learning rate`);
        epochLoss += loss;
        await context.metric(`${options.name}/loss`, step, loss);
        await yieldToEventLoop();
        step++;
        await options.afterStep?.(step, b === batches - 1);
        const { from, to, label } = options.progress ?? { from: 0, to: 1, label: '' };
        report(from + ((to - from) * step) / totalSteps, `${label ? `${label}: ` : ''}epoch ${epoch + 1}/${Math.ceil(options.epochs)}, loss ${loss.toFixed(3)}`);
      }
      await context.metric(`${options.name}/epoch_loss`, epoch, epochLoss / Math.max(1, batches));
      await context.metric(`${options.name}/learning_rate`, epoch, learningRate);
      // A checkpoint is complete once epoch.json points at it; the previous one is removed only after that.
      const dir = `epoch-${epoch + 1}`;
      mkdirSync(join(checkpointDir, dir), { recursive: true });
      await saveModel(model, join(checkpointDir, dir, 'model'));
      const state = optimizer.getState();
      await saveTensorMap(join(checkpointDir, dir, 'optimizer.bin'), state);
      tf.dispose(Object.values(state));
      writeFileAtomic(recordFile, [Buffer.from(JSON.stringify({ epochsDone: epoch + 1, step, dir } satisfies EpochRecord))]);
      if (start.dir && start.dir !== dir) rmSync(join(checkpointDir, start.dir), { recursive: true, force: true });
      start = { epochsDone: epoch + 1, step, dir };
      await context.checkpointed?.();
    }
  } finally {
    optimizer.dispose();
  }
}
