import { shardKindSchema } from '@ktlab/config';
import { z } from 'zod';

export const workerId = z.string().min(1);
export const shardKey = {
  runId: z.string().min(1),
  kind: shardKindSchema,
  iteration: z.number().int().min(0).default(0),
};

