import { z } from 'zod';

export const runIdsInput = z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(500) });
export type RunIdsInput = z.infer<typeof runIdsInput>;
