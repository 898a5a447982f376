import type { RunConfig } from '@ktlab/config';
import type { Job } from './job';
import { smokeJob } from './smoke.job';

/** The job that executes a run of each config kind. */
export function jobFor(config: RunConfig): Job {
  switch (config.kind) {
    case 'smoke':
      return smokeJob;
    case 'pipeline':
      return async () => {
        throw new Error(
          'this trainer cannot run pipeline configs yet: the knowledge-transfer pipeline (libs/pipeline) is not built; ' +
            'launch the "smoke" preset to check a worker',
        );
      };
  }
}
