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

/**
 * An evaluation result as a runs-table field: `eval.linear.conv3` is the linear probe's top-1 at conv3 (the best
 * over test sets when there are several); layer `best` is the best over layers.
 */
export const evalFieldSchema = z.object({
  protocol: z.string().trim().min(1).max(40).regex(/^[a-z]+$/, 'a protocol such as linear, knn, nonlinear, finetune'),
  layer: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9_-]+$/, 'a layer such as conv3, or best'),
  metric: z.string().trim().min(1).max(40).default('top1'),
});
export type EvalField = z.infer<typeof evalFieldSchema>;

/** `eval.linear.conv3 > 0.5`: runs whose result compares so with the value. */
export const evalFilterSchema = evalFieldSchema.extend({
  op: z.enum(['>', '>=', '<', '<=', '=']),
  value: z.number().finite(),
});
export type EvalFilter = z.infer<typeof evalFilterSchema>;

export const listRunsInput = z.object({
  projectSlug: z.string().min(1).max(100).optional(),
  status: z.array(runStatusSchema).optional(),
  method: z.string().max(100).optional(),
  search: z.string().max(200).optional(),
  /** Runs carrying every one of these tags. */
  tags: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
  config: z.array(configFilterSchema).max(10).optional(),
  evals: z.array(evalFilterSchema).max(10).optional(),
  sweepId: z.string().max(64).optional(),
  createdAfter: z.date().optional(),
  createdBefore: z.date().optional(),
  /** `active` (default) hides soft-deleted runs; `deleted` lists only them (the trash). */
  view: z.enum(['active', 'deleted']).default('active'),
  sort: z.enum(['createdAt', 'name', 'status', 'method']).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  /** Sort by an evaluation result instead of `sort` (runs without it last, whatever the order). */
  sortEval: evalFieldSchema.optional(),
  /** Logged metric keys (e.g. `pseudo-labels/nmi`) whose last value each listed run carries, for metric columns. */
  metricColumns: z.array(z.string().trim().min(1).max(200)).max(20).optional(),
  page: z.number().int().min(0).default(0),
  pageSize: z.number().int().min(1).max(200).default(50),
});
export type ListRunsInput = z.infer<typeof listRunsInput>;
