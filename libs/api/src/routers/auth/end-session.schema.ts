import { z } from 'zod';

export const endSessionInput = z.object({ id: z.string().min(1).max(64) });
export type EndSessionInput = z.infer<typeof endSessionInput>;
