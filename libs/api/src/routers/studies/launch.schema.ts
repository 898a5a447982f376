import { z } from 'zod';
import { MAX_LAUNCH_SEEDS, SCALE_NAMES, STUDY_ROWS } from '@ktlab/study';

/** A study to launch (or preview): a scale, optionally fewer or more seeds and only some rows, as `npm run study`. */
export const studyLaunchInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  scale: z.enum(SCALE_NAMES),
  /** Seeds per cell; default the scale's. */
  seeds: z.number().int().min(1).max(MAX_LAUNCH_SEEDS).optional(),
  /** Only these rows (preset ids); the ablations come with `cc-jigsaw++`. Default: every row of the scale. */
  only: z.array(z.enum(STUDY_ROWS)).min(1).max(STUDY_ROWS.length).optional(),
  /**
   * A CIFAR-10-style root with `train/<class>/` and `test/<class>/` as the portal's machine (and its workers) see it;
   * relative paths resolve from the repository root. Default: `$KTLAB_SHARED/datasets/cifar10`, as the CLI's.
   */
  dataRoot: z.string().trim().min(1).max(1000).optional(),
});
export type StudyLaunchInput = z.infer<typeof studyLaunchInput>;
