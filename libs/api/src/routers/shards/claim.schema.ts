import { z } from 'zod';
import { workerId } from './shard-key.schema';

export const claimShardInput = z.object({ workerId, runId: z.string().min(1).optional() });
export type ClaimShardInput = z.infer<typeof claimShardInput>;
