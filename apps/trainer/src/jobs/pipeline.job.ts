/** A knowledge-transfer pipeline run (libs/pipeline), in the run's folder under KTLAB_HOME/runs/. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineConfig } from '@ktlab/config';
import { ktlabHome } from '@ktlab/db/paths';
import { PipelineAbortedError, runPipeline, STAGE_ORDER } from '@ktlab/pipeline';
import { JobAbortedError, type Job } from './job';

export const pipelineJob: Job = async (context) => {
  const home = ktlabHome();
  const runDir = join(home, 'runs', context.runId);
  try {
    const evalResults = await runPipeline({
      config: context.config as PipelineConfig,
      runDir,
      cacheDir: process.env.KTLAB_CACHE ?? join(home, 'cache'),
      signal: context.signal,
      metric: (key, step, value) => context.metric(key, step, value),
      stage: (kind, status, progress, message) => context.stage(kind, STAGE_ORDER.indexOf(kind), status, progress, message),
      log: context.log,
    });
    await uploadResults(context, runDir, evalResults);
    return { evalResults };
  } catch (error) {
    if (error instanceof PipelineAbortedError) throw new JobAbortedError(String(error.reason));
    throw error;
  }
};


/** The figures and the evaluation table, so the portal can show them whatever machine ran the pipeline. */
async function uploadResults(context: Parameters<Job>[0], runDir: string, evalResults: unknown[]): Promise<void> {
  await context.uploadArtifact('eval-table', 'results.json', new TextEncoder().encode(JSON.stringify(evalResults, null, 2)));
  const figures = join(runDir, 'figures');
  if (!existsSync(figures)) return;
  for (const name of readdirSync(figures).filter((file) => file.endsWith('.png')).sort()) {
    await context.uploadArtifact('figure', name, readFileSync(join(figures, name)));
  }
}
