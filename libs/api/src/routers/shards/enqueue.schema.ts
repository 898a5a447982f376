import { z } from 'zod';
import { workerId, shardKey } from './shard-key.schema';

export const enqueueShardsInput = z.object({
  workerId,
  ...shardKey,
  shards: z
    .array(z.object({ shard: z.number().int().min(0), input: z.record(z.string(), z.json()) }))
    .min(1)
    .max(100_000),
});
export type EnqueueShardsInput = z.infer<typeof enqueueShardsInput>;
