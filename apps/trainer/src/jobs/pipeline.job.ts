/** A knowledge-transfer pipeline run (libs/pipeline), in the run's folder under KTLAB_HOME/runs/. */
import { join } from 'node:path';
import type { PipelineConfig } from '@ktlab/config';
import { ktlabHome } from '@ktlab/db/paths';
import { PipelineAbortedError, runPipeline } from '@ktlab/pipeline';
import { JobAbortedError, type Job } from './job';

export const pipelineJob: Job = async (context) => {
  const home = ktlabHome();
  try {
    const evalResults = await runPipeline({
      config: context.config as PipelineConfig,
      runDir: join(home, 'runs', context.runId),
      cacheDir: process.env.KTLAB_CACHE ?? join(home, 'cache'),
      signal: context.signal,
      metric: (key, step, value) => context.metric(key, step, value),
      stage: (kind, status, progress, message) => context.stage(kind, STAGE_ORDINALS[kind], status, progress, message),
      log: context.log,
    });
    return { evalResults };
  } catch (error) {
    if (error instanceof PipelineAbortedError) throw new JobAbortedError(String(error.reason));
    throw error;
  }
};

const STAGE_ORDINALS = { pretext: 0, features: 1, kmeans: 2, 'pseudo-labels': 3, 'cluster-classification': 4, eval: 5 } as const;
