import { z } from 'zod';

export const runStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

const scalar = z.union([z.string().max(500), z.number(), z.boolean()]);

/** `clustering.k = 1000`: a dotted path into the run config and the value it must equal. */
export const configFilterSchema = z.object({
  path: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, 'a dotted config path such as clustering.k'),
  value: scalar,
});
export type ConfigFilter = z.infer<typeof configFilterSchema>;

export const listRunsInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  status: z.array(runStatusSchema).optional(),
  method: z.string().max(100).optional(),
  search: z.string().max(200).optional(),
  /** Runs carrying every one of these tags. */
  tags: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
  config: z.array(configFilterSchema).max(10).optional(),
  sweepId: z.string().max(64).optional(),
  createdAfter: z.date().optional(),
  createdBefore: z.date().optional(),
  /** `active` (default) hides soft-deleted runs; `deleted` lists only them (the trash). */
  view: z.enum(['active', 'deleted']).default('active'),
  sort: z.enum(['createdAt', 'name', 'status', 'method']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.number().int().min(0).default(0),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type ListRunsInput = z.infer<typeof listRunsInput>;
