import { runConfigInputSchema } from '@ktlab/config';
import { z } from 'zod';

export const tagsSchema = z.array(z.string().trim().min(1).max(64)).max(20);

export const createRunInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  name: z.string().trim().min(1).max(200).optional(),
  /** The preset the config came from; free text for hand-written configs. */
  method: z.string().trim().min(1).max(100),
  priority: z.number().int().min(-100).max(100).default(0),
  tags: tagsSchema.default([]),
  config: runConfigInputSchema,
});
export type CreateRunInput = z.infer<typeof createRunInput>;
