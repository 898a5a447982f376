import { z } from 'zod';

export const runClustersInput = z.object({
  runId: z.string().min(1).max(64),
  /** Clusters are listed largest first, `pageSize` at a time. */
  page: z.number().int().min(0).default(0),
  pageSize: z.number().int().min(1).max(500).default(50),
});
export type RunClustersInput = z.infer<typeof runClustersInput>;
