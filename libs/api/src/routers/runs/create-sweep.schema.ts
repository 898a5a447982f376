import { runConfigInputSchema, sweepAxesIssues, sweepAxisSchema, sweepFieldSchema, sweepValueSchema, MAX_SWEEP_FIELDS, MAX_SWEEP_RUNS } from '@ktlab/config';
import { z } from 'zod';
import { tagsSchema } from './create.schema';

/**
 * A grid sweep: one run per combination of the axes' values (the cartesian product), at most MAX_SWEEP_RUNS.
 * `field` + `values` is the one-axis form (`{ field: 'seed', values: [0, 1, 2] }`); give it or `axes`, not both.
 */
export const createSweepInput = z
  .object({
    projectSlug: z.string().min(1).max(100).optional(),
    /** Runs are named `<name>-<value>[-<value>…]`, one value per axis. */
    name: z.string().trim().min(1).max(180),
    method: z.string().trim().min(1).max(100),
    priority: z.number().int().min(-100).max(100).default(0),
    tags: tagsSchema.default([]),
    /** The base config; each swept field is replaced in each run. */
    config: runConfigInputSchema,
    /** The swept fields: a dotted config path (`clustering.k`, `pseudoLabels.data`) and the values it takes. */
    axes: z.array(sweepAxisSchema).min(1, 'sweep at least one field').max(MAX_SWEEP_FIELDS, `a sweep varies at most ${MAX_SWEEP_FIELDS} fields`).optional(),
    field: sweepFieldSchema.optional(),
    values: z.array(sweepValueSchema).min(1, 'give at least one value').max(MAX_SWEEP_RUNS, `at most ${MAX_SWEEP_RUNS} values`).optional(),
  })
  .superRefine((input, ctx) => {
    if (input.axes) {
      if (input.field !== undefined || input.values !== undefined) ctx.addIssue({ code: 'custom', path: ['field'], message: 'give either axes or field + values, not both' });
      for (const issue of sweepAxesIssues(input.axes)) ctx.addIssue({ code: 'custom', path: ['axes', ...issue.path], message: issue.message });
      return;
    }
    if (input.field === undefined) ctx.addIssue({ code: 'custom', path: ['axes'], message: 'name the swept fields (axes), or one field with its values' });
    if (input.values === undefined) ctx.addIssue({ code: 'custom', path: ['values'], message: 'give at least one value' });
  })
  .transform(({ axes, field, values, ...rest }) => {
    const single = field !== undefined && values !== undefined;
    return { ...rest, singleField: single, axes: axes ?? (single ? [{ field, values: [...new Set(values)] }] : []) };
  });
export type CreateSweepInput = z.infer<typeof createSweepInput>;
