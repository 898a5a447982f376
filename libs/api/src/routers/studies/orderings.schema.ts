import { z } from 'zod';

/** The study whose runs (tag `study:<name>`) are checked: a scale's name, or any other study tag's. */
export const studyOrderingsInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  study: z.string().trim().min(1).max(58),
});
export type StudyOrderingsInput = z.infer<typeof studyOrderingsInput>;
