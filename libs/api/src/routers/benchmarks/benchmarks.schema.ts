import { evalProtocolSchema } from '@ktlab/config';
import { z } from 'zod';

export const benchmarkOptionsInput = z.object({ projectSlug: z.string().min(1).max(100).optional() });
export type BenchmarkOptionsInput = z.infer<typeof benchmarkOptionsInput>;

export const benchmarkTableInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  dataset: z.string().min(1).max(200),
  metric: z.string().min(1).max(64).default('top1'),
  /** Columns are the layers of one protocol (Tables 1, 3, 4) or the protocols at one layer (Table 2 style). */
  columns: z.discriminatedUnion('by', [
    z.object({ by: z.literal('layer'), protocol: evalProtocolSchema }),
    z.object({ by: z.literal('protocol'), layer: z.string().min(1).max(64) }),
  ]),
});
export type BenchmarkTableInput = z.infer<typeof benchmarkTableInput>;
