import { z } from 'zod';
import { workerId } from './shard-key.schema';

export const finishShardInput = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('succeeded'), workerId, taskId: z.string().min(1), output: z.string().min(1).max(500) }),
  z.object({ outcome: z.literal('failed'), workerId, taskId: z.string().min(1), error: z.string().min(1).max(20_000) }),
]);
export type FinishShardInput = z.infer<typeof finishShardInput>;
