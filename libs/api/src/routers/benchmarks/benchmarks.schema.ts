import { evalProtocolSchema } from '@ktlab/config';
import { z } from 'zod';

/** Only the runs of one reproduction study (those tagged `study:<name>`); all runs when absent. */
const studySchema = z.string().trim().min(1).max(58).optional();
/** Only the runs of one portal sweep (their shared sweepId): one row per combination of the swept values. */
const sweepSchema = z.string().trim().min(1).max(64).optional();

export const benchmarkOptionsInput = z.object({ projectSlug: z.string().min(1).max(100).optional(), study: studySchema, sweep: sweepSchema });
export type BenchmarkOptionsInput = z.infer<typeof benchmarkOptionsInput>;

export const benchmarkTableInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  dataset: z.string().min(1).max(200),
  metric: z.string().min(1).max(64).default('top1'),
  study: studySchema,
  sweep: sweepSchema,
  /** Columns are the layers of one protocol (Tables 1, 3, 4) or the protocols at one layer (Table 2 style). */
  columns: z.discriminatedUnion('by', [
    z.object({ by: z.literal('layer'), protocol: evalProtocolSchema }),
    z.object({ by: z.literal('protocol'), layer: z.string().min(1).max(64) }),
  ]),
});
export type BenchmarkTableInput = z.infer<typeof benchmarkTableInput>;
