/**
 * The detection and segmentation protocols (Noroozi et al. 2018, Table 3's detection and segmentation columns,
 * offline): the evaluated net's conv layers transferred into a trunk at the scene size, a dense head on its conv5,
 * trained on scenes made from the labelled evaluation images — with conv1…conv5 frozen (`frozen`) or fine-tuned
 * with the head (`all`) — then scored on the test scenes (mAP@0.5 and mAP@[.5:.95]; mean IoU). The first test
 * scenes, truth beside prediction, are drawn to `figures/<task>-<layer>.png` for the run page.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { DenseEvalMode } from '@ktlab/config';
import { shuffleIndices, type ImageDataset } from '@ktlab/data';
import { imagesToTensor, lossStepAsync, tapModel, type SgdMomentum } from '@ktlab/models';
import type { SceneSplits } from '@ktlab/scenes';
import { throwIfAborted, type PipelineContext } from '../../context';
import { denseExamplesFigure } from '../../figures';
import { evaluatedNet, retarget } from '../../nets';
import { fit, type FitOptions } from '../../training/fit';
import type { TrainAndScoreOptions } from '../train-and-score';
import { denseModeOfLayer, denseSettings, type DenseSettings } from './dense-settings';
import { denseScenes, sceneImages } from './dense-scenes';
import { DENSE_TAP, type DenseTask } from './dense-tasks';
import { disposeHeadLayers, headOnFeatures } from './head-on-features';

/** Seeds of the trunk's (overwritten) initialisation and of each task's head, apart from the run's other streams. */
const TRUNK_SEED_OFFSET = 53;
const HEAD_SEED_OFFSET: Record<DenseTask['name'], number> = { detection: 67, segmentation: 73 };
/** Test scenes drawn in the figure. */
const FIGURE_EXAMPLES = 6;
const SCORE_BATCH = 32;

export interface TrainDenseOptions {
  task: DenseTask;
  mode: DenseEvalMode;
  /** The trunk at the scene size, carrying the transferred conv weights; `frozen` leaves it exactly as it is. */
  trunk: tf.LayersModel;
  scenes: SceneSplits;
  settings: Pick<DenseSettings, 'epochs' | 'batchSize' | 'learningRate'>;
  seed: number;
  /** Metric prefix: `eval/<task>/<layer>` → `…/loss`, `…/epoch_loss`, `…/learning_rate`. */
  name: string;
  checkpointDir: string;
  progress?: FitOptions['progress'];
  /** Where the example figure goes; none when absent. */
  figurePath?: string;
}

/** Trains a dense head on `trunk` (frozen or with it) and returns the task's metrics on the test scenes. */
export async function trainDense(context: PipelineContext, options: TrainDenseOptions): Promise<Record<string, number>> {
  const { task, scenes, trunk } = options;
  const numClasses = scenes.classes.length;
  const net = task.build(trunk, numClasses, options.seed);
  // Frozen: the trunk runs in inference mode in front of a model of the head alone, and only the head is trained.
  const frozen = options.mode === 'frozen' ? { trunk: tapModel(trunk, DENSE_TAP), head: headOnFeatures(net.model, trunk) } : undefined;
  const train = scenes.train;
  const batchScenes = (indices: ArrayLike<number>) => Array.from(indices, (i) => train[i]);
  try {
    if (train.length === 0 || scenes.test.length === 0) throw new Error(`${options.name}: no scenes to ${train.length === 0 ? 'train' : 'score'} on`);
    if (train[0].width !== net.inputSize) throw new Error(`${options.name}: scenes are ${train[0].width}×${train[0].height}, the net takes ${net.inputSize}×${net.inputSize}`);
    await fit({
      name: options.name,
      stage: 'eval',
      model: frozen?.head ?? net.model,
      examples: train.length,
      epochs: options.settings.epochs,
      batchSize: options.settings.batchSize,
      learningRate: options.settings.learningRate,
      seed: options.seed,
      order: (epoch) => shuffleIndices(train.length, options.seed * 7_919 + epoch),
      batch: (indices) => ({ x: imagesToTensor(sceneImages(train, indices)), y: task.targets(batchScenes(indices), net, numClasses) }),
      step: (_model, optimizer: SgdMomentum, batch, learningRate) => {
        if (!frozen) return lossStepAsync(net.model, optimizer, () => task.loss(net.model.apply(batch.x, { training: true }) as tf.Tensor4D, batch.y, numClasses), learningRate);
        const features = tf.tidy(() => frozen.trunk.predict(batch.x) as tf.Tensor4D);
        return lossStepAsync(frozen.head, optimizer, () => task.loss(frozen.head.apply(features, { training: true }) as tf.Tensor4D, batch.y, numClasses), learningRate).finally(() =>
          features.dispose(),
        );
      },
      checkpointDir: options.checkpointDir,
      context,
      progress: options.progress,
    });

    const scorer = task.scorer(net, numClasses, options.figurePath ? FIGURE_EXAMPLES : 0);
    const test = scenes.test;
    for (let start = 0; start < test.length; start += SCORE_BATCH) {
      throwIfAborted(context.signal);
      const indices = Array.from({ length: Math.min(SCORE_BATCH, test.length - start) }, (_, i) => start + i);
      const output = tf.tidy(() => net.model.predict(imagesToTensor(sceneImages(test, indices)), { batchSize: indices.length }) as tf.Tensor4D);
      try {
        await scorer.add(output, indices.map((i) => test[i]));
      } finally {
        output.dispose();
      }
    }
    if (options.figurePath) {
      try {
        await denseExamplesFigure(scorer.examples, options.figurePath);
      } catch (error) {
        context.log(`figures: ${options.name}: ${(error as Error).message}`);
      }
    }
    return scorer.result();
  } finally {
    // The head model re-applied the head's layers (one more reference each); the net shares the trunk's layers,
    // which stay the caller's.
    frozen?.head.dispose();
    disposeHeadLayers(net.model, trunk);
  }
}

/**
 * One cell of a dense protocol: `layer` is the mode's row (`frozen` or `all`); the evaluated net's conv weights
 * are copied into a trunk at the scene size (conv1 is 5×5 at stride 1 in every ktlab net, so they fit any size).
 */
export async function denseTransfer(
  context: PipelineContext,
  task: DenseTask,
  evaluated: tf.LayersModel,
  layer: string,
  data: { train: ImageDataset; test: ImageDataset; numClasses: number },
  run: Pick<TrainAndScoreOptions, 'checkpointDir' | 'progress'>,
): Promise<Record<string, number>> {
  const { config } = context;
  const mode = denseModeOfLayer(layer);
  const settings = denseSettings(config.evaluation);
  const scenes = denseScenes(config, data, settings);
  const { arch, widthMultiplier } = evaluatedNet(config);
  const trunk = retarget(evaluated, arch, settings.canvasSize, widthMultiplier, config.seed + TRUNK_SEED_OFFSET);
  try {
    return await trainDense(context, {
      task,
      mode,
      trunk,
      scenes,
      settings,
      seed: config.seed + HEAD_SEED_OFFSET[task.name] + (mode === 'frozen' ? 0 : 1),
      name: `eval/${task.name}/${layer}`,
      checkpointDir: run.checkpointDir,
      progress: run.progress,
      figurePath: join(context.runDir, 'figures', `${task.name}-${layer}.png`),
    });
  } finally {
    trunk.dispose();
  }
}
