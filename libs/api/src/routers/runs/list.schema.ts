import { z } from 'zod';

export const runStatusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);

export const listRunsInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  status: z.array(runStatusSchema).optional(),
  method: z.string().max(100).optional(),
  search: z.string().max(200).optional(),
  sort: z.enum(['createdAt', 'name', 'status', 'method']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  page: z.number().int().min(0).default(0),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type ListRunsInput = z.infer<typeof listRunsInput>;
