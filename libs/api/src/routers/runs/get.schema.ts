import { z } from 'zod';

export const runIdInput = z.object({ id: z.string().min(1).max(64) });
export type RunIdInput = z.infer<typeof runIdInput>;

export const watchRunInput = z.object({ runId: z.string().min(1).max(64) });
