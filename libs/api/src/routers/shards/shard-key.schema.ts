import { z } from 'zod';

/** The stage steps a run can split into shards. */
export const shardKindSchema = z.enum(['features', 'kmeans-sample', 'kmeans-map', 'assign']);

export const workerId = z.string().min(1);
export const shardKey = {
  runId: z.string().min(1),
  kind: shardKindSchema,
  iteration: z.number().int().min(0).default(0),
};

