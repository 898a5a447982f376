import { z } from 'zod';
import { projectSlugSchema } from '../projects/projects.schema';

export const datasetFormatSchema = z.enum(['folder', 'cifar-binary', 'idx']);

export const listDatasetsInput = z.object({ projectSlug: projectSlugSchema.optional() });
export type ListDatasetsInput = z.infer<typeof listDatasetsInput>;

export const registerDatasetInput = z.object({
  projectSlug: projectSlugSchema.optional(),
  name: z
    .string()
    .trim()
    .min(1, 'a name is required')
    .max(100)
    .regex(/^[\w.+-][\w .+-]*$/, 'letters, digits, spaces and . _ + -'),
  /** Absolute, or relative to the repository root (as the trainer resolves run config paths). */
  path: z.string().trim().min(1, 'a path is required').max(4096),
  format: datasetFormatSchema.default('folder'),
});
export type RegisterDatasetInput = z.infer<typeof registerDatasetInput>;

export const removeDatasetInput = z.object({ id: z.string().min(1).max(64) });
export type RemoveDatasetInput = z.infer<typeof removeDatasetInput>;
