import { runConfigInputSchema } from '@ktlab/config';
import { z } from 'zod';
import { tagsSchema } from './create.schema';

export const createSweepInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  /** Runs are named `<name>-<value>`. */
  name: z.string().trim().min(1).max(180),
  method: z.string().trim().min(1).max(100),
  priority: z.number().int().min(-100).max(100).default(0),
  tags: tagsSchema.default([]),
  /** The base config; the swept field is replaced in each run. */
  config: runConfigInputSchema,
  /** A dotted config path (`clustering.k`, `seed`) and the values it takes, one run each. */
  field: z.string().trim().min(1).max(200).regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'a dotted config path such as clustering.k'),
  values: z.array(z.union([z.number(), z.string().max(500), z.boolean()])).min(1, 'give at least one value').max(100),
});
export type CreateSweepInput = z.infer<typeof createSweepInput>;
