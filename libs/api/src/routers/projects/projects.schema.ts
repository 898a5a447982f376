import { z } from 'zod';

export const projectSlugSchema = z
  .string()
  .trim()
  .min(2, 'use at least 2 characters')
  .max(60)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes, starting with a letter or digit');

export const createProjectInput = z.object({ slug: projectSlugSchema, name: z.string().trim().min(1).max(200) });
export type CreateProjectInput = z.infer<typeof createProjectInput>;

export const projectInput = z.object({ projectSlug: projectSlugSchema });
export type ProjectInput = z.infer<typeof projectInput>;

export const addMemberInput = z.object({
  projectSlug: projectSlugSchema,
  email: z.string().trim().email('not an email address').max(320),
  role: z.enum(['owner', 'member']).default('member'),
});
export type AddMemberInput = z.infer<typeof addMemberInput>;

export const removeMemberInput = z.object({ projectSlug: projectSlugSchema, userId: z.string().min(1).max(64) });
export type RemoveMemberInput = z.infer<typeof removeMemberInput>;
