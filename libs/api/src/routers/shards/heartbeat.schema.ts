import { z } from 'zod';
import { workerId } from './shard-key.schema';

export const shardHeartbeatInput = z.object({ workerId, taskIds: z.array(z.string().min(1)).max(1_000) });
export type ShardHeartbeatInput = z.infer<typeof shardHeartbeatInput>;
