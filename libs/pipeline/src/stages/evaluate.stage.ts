/**
 * Stage 6: what transferred. For every conv layer of the target network, frozen features of labelled
 * evaluation images → a linear probe and a kNN classifier, trained on `evaluation.train` and scored on
 * `evaluation.test` (top-1 accuracy). Each result becomes an EvalResult row.
 */
import { join } from 'node:path';
import { splitIndices, subsetDataset, type ImageDataset } from '@ktlab/data';
import { extractFeatures, loadModel } from '@ktlab/models';
import { throwIfAborted, type EvalResult, type PipelineContext } from '../context';
import { asImages, describeRef, openDataset } from '../datasets';
import { knnAccuracy } from '../eval/knn';
import { linearProbe, type ProbeData } from '../eval/linear-probe';
import type { StageCheckpoints } from '../io/checkpoints';
import type { TargetOutputs } from './target.stage';

/** Linear probes read features pooled to at most this many dimensions (the paper's Table 4: ~9k). */
export const PROBE_MAX_DIMS = 9216;

async function evaluationSets(context: PipelineContext): Promise<{ train: ImageDataset; test: ImageDataset; name: string }> {
  const { config } = context;
  const open = (ref: typeof config.data) => openDataset(ref, { size: config.imageSize, seed: config.seed, cacheDir: context.cacheDir, log: context.log });
  const trainRef = config.evaluation.train ?? config.data;
  const train = await open(trainRef);
  if (!train.labels || !train.classes) {
    throw new Error(`evaluation needs labelled images: ${describeRef(trainRef)} has no class folders; set evaluation.train and evaluation.test`);
  }
  if (config.evaluation.test) {
    const test = await open(config.evaluation.test);
    if (!test.labels) throw new Error(`evaluation.test ${describeRef(config.evaluation.test)} has no labels`);
    if (JSON.stringify(test.classes) !== JSON.stringify(train.classes)) throw new Error('evaluation.train and evaluation.test have different classes');
    return { train, test, name: describeRef(config.evaluation.test) };
  }
  const [trainRows, testRows] = splitIndices(train.count, [0.8, 0.2], config.seed + 31);
  return { train: subsetDataset(train, trainRows), test: subsetDataset(train, testRows), name: `${describeRef(trainRef)} (held-out 20%)` };
}

export async function evaluateStage(context: PipelineContext, checkpoints: StageCheckpoints, target: TargetOutputs): Promise<{ results: EvalResult[] }> {
  const { config } = context;
  const cfg = config.evaluation;
  const { train, test, name } = await evaluationSets(context);
  const numClasses = train.classes!.length;
  const model = await loadModel(join(context.runDir, target.modelDir));
  const results: EvalResult[] = [];
  const total = cfg.layers.length;
  try {
    for (const [index, layer] of cfg.layers.entries()) {
      throwIfAborted(context.signal);
      await context.stage('eval', 'running', index / total, `${layer}: extracting features`);
      const features = async (data: ImageDataset): Promise<ProbeData> => {
        const matrix = await extractFeatures(model, layer, asImages(data), { maxDims: PROBE_MAX_DIMS, batchSize: 128 });
        return { features: matrix.data, dims: matrix.dims, labels: data.labels! };
      };
      const trainFeatures = await features(train);
      const testFeatures = await features(test);
      if (cfg.protocols.includes('linear')) {
        await context.stage('eval', 'running', (index + 0.5) / total, `${layer}: linear probe on ${trainFeatures.dims} dims`);
        const accuracy = await linearProbe(trainFeatures, testFeatures, {
          numClasses,
          epochs: cfg.epochs,
          seed: config.seed,
          signal: context.signal,
          onEpoch: (epoch, loss) => void context.metric(`eval/linear/${layer}/loss`, epoch, loss),
        });
        results.push({ protocol: 'linear', layer, dataset: name, metric: 'top1', value: accuracy });
        await context.metric(`eval/linear/${layer}/top1`, 0, accuracy);
      }
      if (cfg.protocols.includes('knn')) {
        const accuracy = knnAccuracy(trainFeatures, testFeatures, { k: cfg.knnNeighbours, numClasses });
        results.push({ protocol: 'knn', layer, dataset: name, metric: 'top1', value: accuracy });
        await context.metric(`eval/knn/${layer}/top1`, 0, accuracy);
      }
      context.log(`eval ${layer}: ${results.filter((r) => r.layer === layer).map((r) => `${r.protocol} ${(r.value * 100).toFixed(1)}%`).join(', ')}`);
    }
    const unsupported = cfg.protocols.filter((p) => p === 'nonlinear' || p === 'finetune');
    if (unsupported.length) context.log(`eval: protocols ${unsupported.join(', ')} are not implemented yet and were skipped`);
  } finally {
    model.dispose();
  }
  checkpoints.complete('eval', { results });
  return { results };
}
