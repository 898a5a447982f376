import { z } from 'zod';
import { workerId, shardKey } from './shard-key.schema';

export const listShardsInput = z.object({ workerId, ...shardKey });
export type ListShardsInput = z.infer<typeof listShardsInput>;
