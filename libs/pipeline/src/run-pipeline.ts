/**
 * The knowledge-transfer pipeline, stage by stage (Noroozi et al. 2018, Fig. 2):
 *   pretext → features → k-means → pseudo-labels → cluster classification → evaluation.
 * Each finished stage leaves a checkpoint record; a resumed run skips what is done and continues.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_STAGES } from '@ktlab/config';
import { loadModel } from '@ktlab/models';
import { fieldOf, forgetOpenedDatasets, openDataset } from './datasets';
import { writeClusterSummary } from './cluster-summary';
import { clusterNeighboursFigure, conv1FiltersFigure } from './figures';
import { labelingData } from './stages/features.stage';
import type { EvalResult, PipelineContext, StageKind } from './context';
import { StageCheckpoints } from './io/checkpoints';
import { kmeansStage, pseudoLabelsStage, type KMeansOutputs, type PseudoLabelOutputs } from './stages/clustering.stage';
import { checkEvaluationSets, evaluateStage } from './stages/evaluate.stage';
import { featuresStage, type FeaturesOutputs } from './stages/features.stage';
import { labelsFileStage } from './stages/labels-file.stage';
import { pretextStage, type PretextOutputs } from './stages/pretext.stage';
import { targetStage, type TargetOutputs } from './stages/target.stage';
import { writeRunDownloads } from './io/run-downloads';

export const STAGE_ORDER: readonly StageKind[] = PIPELINE_STAGES;

/** Which stages a config runs (the others are reported as skipped). */
export function plannedStages(config: PipelineContext['config']): Set<StageKind> {
  const usesClusters = config.target.objective === 'cluster-classification';
  // Pseudo-labels read from a file replace features and k-means (and the pretext they would come from).
  const labelsFromFile = usesClusters && config.clustering.source === 'file';
  // Regression distils the teacher's features directly: it needs them, not clusters.
  const usesFeatures = (usesClusters && !labelsFromFile) || config.target.objective === 'regression';
  const needsPretext = config.pretext.task !== 'none' && !labelsFromFile;
  return new Set(
    STAGE_ORDER.filter((kind) => {
      if (kind === 'pretext') return needsPretext;
      if (kind === 'features') return usesFeatures;
      if (kind === 'kmeans') return usesClusters && !labelsFromFile;
      if (kind === 'pseudo-labels') return usesClusters;
      return true;
    }),
  );
}

function labelingOpenOptions(context: PipelineContext) {
  const ref = labelingData(context);
  return { size: context.config.imageSize, seed: context.config.seed, cacheDir: context.cacheDir, datasetRoots: context.datasetRoots, field: fieldOf(context, ref) };
}

/** Figures are a by-product: a failure to draw one is logged, never fails the run. */
async function writeFigures(context: PipelineContext, target: TargetOutputs, pseudoLabels: PseudoLabelOutputs | undefined): Promise<void> {
  const dir = join(context.runDir, 'figures');
  try {
    const model = await loadModel(join(context.runDir, target.modelDir));
    await conv1FiltersFigure(model, join(dir, 'conv1-filters.png'));
    model.dispose();
    if (pseudoLabels) {
      const data = await openDataset(labelingData(context), labelingOpenOptions(context));
      await clusterNeighboursFigure(join(context.runDir, pseudoLabels.file), data, join(dir, 'cluster-neighbours.png'));
    }
  } catch (error) {
    context.log(`figures: ${(error as Error).message}`);
  }
  if (!pseudoLabels) return;
  try {
    const data = await openDataset(labelingData(context), labelingOpenOptions(context));
    const summary = await writeClusterSummary(join(context.runDir, pseudoLabels.file), data, join(context.runDir, 'clusters'));
    context.log(`clusters: ${summary.used} of ${summary.k} clusters used, ${summary.sprites.length} thumbnail sprite(s) written`);
  } catch (error) {
    context.log(`cluster summary: ${(error as Error).message}`);
  }
}

export async function runPipeline(context: PipelineContext): Promise<EvalResult[]> {
  try {
    return await runStages(context);
  } finally {
    forgetOpenedDatasets();
  }
}

async function runStages(context: PipelineContext): Promise<EvalResult[]> {
  mkdirSync(context.runDir, { recursive: true });
  const checkpoints = new StageCheckpoints(context.runDir);
  const planned = plannedStages(context.config);
  for (const kind of STAGE_ORDER) if (!planned.has(kind)) await context.stage(kind, 'skipped', 0);

  async function stage<T>(kind: StageKind, run: () => Promise<T>): Promise<T | undefined> {
    if (!planned.has(kind)) return undefined;
    const done = checkpoints.finished<T>(kind);
    if (done) {
      context.log(`${kind}: already done (checkpoint), skipping`);
      await context.stage(kind, 'succeeded', 1, 'restored from checkpoint');
      return done.outputs;
    }
    const started = Date.now();
    await context.stage(kind, 'running', 0);
    try {
      const outputs = await run();
      await context.stage(kind, 'succeeded', 1, `${((Date.now() - started) / 1000).toFixed(1)} s`);
      return outputs;
    } catch (error) {
      if (!context.signal.aborted) await context.stage(kind, 'failed', 0, (error as Error).message.slice(0, 500));
      throw error;
    }
  }

  if (planned.has('eval') && !checkpoints.finished('eval')) await checkEvaluationSets(context);
  const pretext = await stage<PretextOutputs | undefined>('pretext', () => pretextStage(context, checkpoints));
  const features = await stage<FeaturesOutputs>('features', () => featuresStage(context, checkpoints, pretext));
  const kmeans = await stage<KMeansOutputs>('kmeans', () => kmeansStage(context, checkpoints, features!));
  const pseudoLabels = await stage<PseudoLabelOutputs>('pseudo-labels', () =>
    context.config.clustering.source === 'file' ? labelsFileStage(context, checkpoints) : pseudoLabelsStage(context, checkpoints, features!, kmeans!),
  );
  const target = await stage<TargetOutputs>('cluster-classification', () => targetStage(context, checkpoints, pretext, pseudoLabels, features));
  const evaluation = await stage<{ results: EvalResult[] }>('eval', () => evaluateStage(context, checkpoints, target!));
  await writeFigures(context, target!, pseudoLabels);
  const results = evaluation?.results ?? [];
  await writeRunDownloads(context.runDir, results);
  return results;
}
