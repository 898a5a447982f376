/** A knowledge-transfer pipeline run (libs/pipeline), in the run's folder under KTLAB_HOME/runs/. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_SUMMARY_ARTIFACT, clusterArtifactName, datasetFields, fileFields, type PipelineConfig } from '@ktlab/config';
import { datasetRootsFromEnv, resolveDatasetInRoots } from '@ktlab/config/dataset-roots';
import { cacheDir, ktlabHome } from '@ktlab/config/paths';
import { listRunDownloads, renameModelWeights, runPipeline, STAGE_ORDER } from '@ktlab/pipeline';
import type { Job } from './job';
import { killSwitchFromEnv } from './test-kill-switch';

export const pipelineJob: Job = async (context) => {
  const config = context.config as PipelineConfig;
  // Relative roots and dataset paths both resolve against the worker's working folder, as libs/data opens them.
  const datasetRoots = datasetRootsFromEnv(process.cwd());
  // Every dataset field up front, so a refused evaluation.test fails the run now, not after hours of training;
  // each is checked again when it is opened.
  if (datasetRoots.length > 0) {
    for (const { field, ref } of datasetFields(config)) await resolveDatasetInRoots(field, ref.path, datasetRoots, process.cwd());
    for (const { field, path } of fileFields(config)) await resolveDatasetInRoots(field, path, datasetRoots, process.cwd());
  }
  const home = ktlabHome();
  const runDir = join(home, 'runs', context.runId);
  // Checkpoints go to the portal at every stage end and epoch checkpoint; a resumed attempt (perhaps on
  // another machine) first brings its folder up to the last one.
  const checkpoints = context.checkpoints(runDir);
  if (context.attempt > 1) await checkpoints.restore();
  // inactive unless a reliability test asks for it (KTLAB_TEST_SIGKILL_AT under a test runner)
  const killSwitch = killSwitchFromEnv(process.env, context.log);
  const evalResults = await runPipeline({
    config,
    runDir,
    datasetRoots,
    cacheDir: cacheDir(),
    signal: context.signal,
    metric: (key, step, value) => {
      const logged = context.metric(key, step, value);
      killSwitch.metric(key, step);
      return logged;
    },
    stage: (kind, status, progress, message) => {
      const reported = context
        .stage(kind, STAGE_ORDER.indexOf(kind), status, progress, message)
        .then(() => killSwitch.stageReported(kind, status))
        .then(() => (status === 'succeeded' ? checkpoints.push() : undefined));
      // throttled progress reports are not awaited: their failure (lease lost) must not crash the process
      reported.catch(() => undefined);
      return reported;
    },
    checkpointed: () => checkpoints.push().then(() => killSwitch.checkpointPushed()),
    shardQueue: context.shardQueue,
    log: context.log,
  });
  await uploadResults(context, runDir, evalResults);
  await uploadDownloads(context, runDir);
  return { evalResults };
};


/**
 * The figures, the evaluation table and the cluster browser's files (`clusters-summary.json` last, after the
 * sprites it names), so the portal can show them whatever machine ran the pipeline.
 */
async function uploadResults(context: Parameters<Job>[0], runDir: string, evalResults: unknown[]): Promise<void> {
  await context.uploadArtifact('eval-table', 'results.json', new TextEncoder().encode(JSON.stringify(evalResults, null, 2)));
  const figures = join(runDir, 'figures');
  if (existsSync(figures)) {
    for (const name of readdirSync(figures).filter((file) => file.endsWith('.png')).sort()) {
      await context.uploadArtifact('figure', name, readFileSync(join(figures, name)));
    }
  }
  const clusters = join(runDir, 'clusters');
  if (existsSync(join(clusters, 'summary.json'))) {
    for (const name of readdirSync(clusters).filter((file) => file.endsWith('.png')).sort()) {
      await context.uploadArtifact('clusters', clusterArtifactName(name), readFileSync(join(clusters, name)));
    }
    await context.uploadArtifact('clusters', CLUSTER_SUMMARY_ARTIFACT, readFileSync(join(clusters, 'summary.json')));
  }
}

/** An upload the portal refused as larger than it accepts (HTTP 413). */
const tooLarge = (error: unknown) => (error as { status?: number } | undefined)?.status === 413;

/**
 * The files people download from the run page (libs/pipeline listRunDownloads): features, centroids,
 * pseudo-labels, the evaluation table and the models, each model.json with its weight paths renamed to the
 * flat names its weights are uploaded as. Large files are streamed from disk. Every upload replaces the file
 * of that name, so a resumed or re-claimed run sends them again without duplicates. A file larger than the
 * portal accepts is left in the worker's run folder and logged; the run still succeeds.
 */
export async function uploadDownloads(context: Parameters<Job>[0], runDir: string): Promise<void> {
  for (const file of listRunDownloads(runDir)) {
    const path = join(runDir, file.path);
    const data = file.weightsPrefix === undefined ? { file: path } : new TextEncoder().encode(renameModelWeights(readFileSync(path, 'utf8'), file.weightsPrefix));
    try {
      await context.uploadArtifact(file.kind, file.name, data);
    } catch (error) {
      if (!tooLarge(error)) throw error;
      context.log(`${file.name} (${file.bytes} bytes) is larger than the portal accepts: not downloadable from the run page; it stays in ${path} on this worker`);
    }
  }
}
