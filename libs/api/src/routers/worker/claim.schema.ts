import { z } from 'zod';

export const claimInput = z.object({ workerId: z.string().min(1) });
export type ClaimInput = z.infer<typeof claimInput>;
