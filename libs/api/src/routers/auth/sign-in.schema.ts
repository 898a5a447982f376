import { z } from 'zod';

export const signInInput = z.object({
  email: z.string().trim().min(1, 'email is required').max(320),
  password: z.string().min(1, 'password is required').max(1000),
});
export type SignInInput = z.infer<typeof signInInput>;
