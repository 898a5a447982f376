import { z } from 'zod';

export const createTokenInput = z.object({ label: z.string().trim().min(1, 'give the token a label, e.g. the host it is for').max(200) });
export type CreateTokenInput = z.infer<typeof createTokenInput>;

export const tokenIdInput = z.object({ id: z.string().min(1).max(64) });
export type TokenIdInput = z.infer<typeof tokenIdInput>;
