import { z } from 'zod';
import { tagsSchema } from './create.schema';

export const setTagsInput = z.object({ id: z.string().min(1).max(64), tags: tagsSchema });
export type SetTagsInput = z.infer<typeof setTagsInput>;
