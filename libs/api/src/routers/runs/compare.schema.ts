import { z } from 'zod';

export const compareInput = z.object({ ids: z.array(z.string().min(1).max(64)).min(2, 'pick at least two runs').max(20, 'compare at most 20 runs') });
export type CompareInput = z.infer<typeof compareInput>;
