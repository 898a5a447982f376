import { z } from 'zod';
import { workerId } from './shard-key.schema';

export const claimShardInput = z.object({ workerId });
export type ClaimShardInput = z.infer<typeof claimShardInput>;
