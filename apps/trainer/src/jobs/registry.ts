import type { RunConfig } from '@ktlab/config';
import type { Job } from './job';
import { pipelineJob } from './pipeline.job';
import { smokeJob } from './smoke.job';

/** The job that executes a run of each config kind. */
export function jobFor(config: RunConfig): Job {
  switch (config.kind) {
    case 'smoke':
      return smokeJob;
    case 'pipeline':
      return pipelineJob;
  }
}
