import { z } from 'zod';
import { compareInput } from './compare.schema';

/** The runs of runs.compare, and how many buckets each curve of each run may have. */
export const compareSeriesInput = compareInput.extend({
  maxPoints: z.number().int().min(10).max(5_000).default(1500),
});
export type CompareSeriesInput = z.infer<typeof compareSeriesInput>;
