import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from '../../auth/password';

export const newPasswordSchema = z.string().min(MIN_PASSWORD_LENGTH, `use at least ${MIN_PASSWORD_LENGTH} characters`).max(1000);

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, 'current password is required').max(1000),
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordInput>;
