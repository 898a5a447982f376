/**
 * Stage 5: the target network. Cluster classification trains a fresh AlexNet-style net to predict the
 * pseudo-labels (class-balanced); `regression` trains it to regress the teacher's features (the features stage's
 * output); `supervised` trains it on the real labels; `none` evaluates the pretext
 * trunk itself (Jigsaw rows) or a random network (the Random row). Its conv layers are what evaluation reads.
 */
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { subsetDataset, type ImageDataset } from '@ktlab/data';
import { readPseudoLabels } from '@ktlab/kmeans';
import { loadModel, saveModel } from '@ktlab/models';
import type { PipelineContext } from '../context';
import { asImages, openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { retarget, targetClassifierFor, trunkFor } from '../nets';
import { epochOrder } from '../training/balanced-order';
import { distillByRegression } from '../training/distill-by-regression';
import { fit } from '../training/fit';
import { labelledBatch } from '../training/image-batches';
import { labelingData, type FeaturesOutputs } from './features.stage';
import type { PseudoLabelOutputs } from './clustering.stage';
import type { PretextOutputs } from './pretext.stage';

export interface TargetOutputs {
  /** A model with conv1…conv5 layers at the run's image size, relative to the run folder. */
  modelDir: string;
  trained: boolean;
}

async function trainClassifier(context: PipelineContext, images: ReturnType<typeof asImages>, labels: Int32Array, numClasses: number, balanced: boolean): Promise<tf.LayersModel> {
  const { config } = context;
  const cfg = config.target;
  const model = targetClassifierFor(config, numClasses);
  await fit({
    name: 'target',
    stage: 'cluster-classification',
    model,
    examples: labels.length,
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: config.seed + 17,
    order: (epoch) => epochOrder(labels, config.seed * 104_729 + epoch, balanced),
    batch: (indices, step) => labelledBatch(images, labels, indices, cfg.augment && { augment: cfg.augment, seed: config.seed + 19, step }),
    checkpointDir: join(context.runDir, 'target', 'checkpoint'),
    context,
  });
  return model;
}

/**
 * The images cluster classification trains on and their pseudo-labels, lined up by image id: the pseudo-label
 * dataset's images in its order, less those a labels file left without a label.
 */
export async function pseudoLabelledImages(context: PipelineContext, pseudoLabels: PseudoLabelOutputs): Promise<{ images: ImageDataset; ids: string[]; labels: Int32Array; k: number }> {
  const data = await openRunDataset(context, labelingData(context), context.config.imageSize);
  const pseudo = await readPseudoLabels(join(context.runDir, pseudoLabels.file));
  const indexOf = new Map(data.ids.map((id, index) => [id, index]));
  const indices = Int32Array.from(pseudo.ids, (id) => {
    const index = indexOf.get(id);
    if (index === undefined) throw new Error(`pseudo-labelled image ${id} is not in the pseudo-label dataset ${labelingData(context).path}`);
    return index;
  });
  const sameOrder = indices.length === data.count && indices.every((index, position) => index === position);
  return { images: sameOrder ? data : subsetDataset(data, indices), ids: pseudo.ids, labels: pseudo.labels, k: pseudo.k };
}

export async function targetStage(
  context: PipelineContext,
  checkpoints: StageCheckpoints,
  pretext: PretextOutputs | undefined,
  pseudoLabels: PseudoLabelOutputs | undefined,
  features?: FeaturesOutputs,
): Promise<TargetOutputs> {
  const { config } = context;
  const cfg = config.target;
  const open = (ref: typeof config.data) => openRunDataset(context, ref, config.imageSize);
  let model: tf.LayersModel;
  let trained = true;
  switch (cfg.objective) {
    case 'cluster-classification': {
      if (!pseudoLabels) throw new Error('target.objective "cluster-classification" needs the clustering stages');
      const training = await pseudoLabelledImages(context, pseudoLabels);
      model = await trainClassifier(context, asImages(training.images), training.labels, training.k, cfg.classBalanced);
      break;
    }
    case 'supervised': {
      const data = await open(config.data);
      if (!data.labels || !data.classes) throw new Error(`the supervised baseline needs labelled data: ${config.data.path} has no class folders`);
      model = await trainClassifier(context, asImages(data), data.labels, data.classes.length, false);
      break;
    }
    case 'regression': {
      if (!features) throw new Error('target.objective "regression" needs the features stage (the teacher\'s features)');
      model = await distillByRegression(context, features, await open(labelingData(context)));
      break;
    }
    case 'none': {
      trained = false;
      if (pretext) {
        const trunk = await loadModel(join(context.runDir, pretext.trunkDir));
        model = retarget(trunk, config.pretext.arch, config.imageSize, config.pretext.widthMultiplier, config.seed);
        trunk.dispose();
      } else {
        model = trunkFor(cfg.arch, config.imageSize, cfg.widthMultiplier, config.seed + 17);
      }
      break;
    }
  }
  const modelDir = 'target/model';
  await saveModel(model, join(context.runDir, modelDir));
  model.dispose();
  const outputs = { modelDir, trained };
  checkpoints.complete('cluster-classification', outputs, [`${modelDir}/model.json`]);
  return outputs;
}
