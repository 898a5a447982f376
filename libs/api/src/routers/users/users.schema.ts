import { z } from 'zod';
import { newPasswordSchema } from '../auth/change-password.schema';

export const createUserInput = z.object({
  email: z.string().trim().email('not an email address').max(320),
  name: z.string().trim().min(1, 'name is required').max(200),
  password: newPasswordSchema,
  isAdmin: z.boolean().default(false),
});
export type CreateUserInput = z.infer<typeof createUserInput>;
