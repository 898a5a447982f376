import { evalResultRowSchema, runConfigInputSchema } from '@ktlab/config';
import { z } from 'zod';
import { stageKindSchema } from '../worker/report-stage.schema';
import { tagsSchema } from './create.schema';

export const importedStageSchema = z.object({
  kind: stageKindSchema,
  /** Skipped stages are the ones the config does not run (e.g. pretext for CC+HOG). */
  status: z.enum(['succeeded', 'skipped']).default('succeeded'),
  startedAt: z.date().optional(),
  finishedAt: z.date().optional(),
});

/** A run that finished outside the portal (CLI, study), published with its results. */
export const importRunInput = z
  .object({
    projectSlug: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    method: z.string().trim().min(1).max(100),
    tags: tagsSchema.default([]),
    config: runConfigInputSchema,
    /** Where it ran, e.g. "study@laptop" or "cli@laptop"; shown with the run. */
    importedFrom: z.string().trim().min(1).max(200),
    /** The same key in the same project returns the run published before instead of a new one. */
    importKey: z.string().trim().min(8).max(200),
    startedAt: z.date(),
    finishedAt: z.date(),
    stages: z.array(importedStageSchema).max(20).default([]),
    evalResults: z.array(evalResultRowSchema).max(10_000).default([]),
  })
  .superRefine((input, ctx) => {
    if (input.finishedAt < input.startedAt) ctx.addIssue({ code: 'custom', path: ['finishedAt'], message: 'finishedAt is before startedAt' });
    const kinds = new Set<string>();
    input.stages.forEach((stage, index) => {
      if (kinds.has(stage.kind)) ctx.addIssue({ code: 'custom', path: ['stages', index, 'kind'], message: `stage ${stage.kind} is listed twice` });
      kinds.add(stage.kind);
      if (stage.startedAt && stage.finishedAt && stage.finishedAt < stage.startedAt) {
        ctx.addIssue({ code: 'custom', path: ['stages', index, 'finishedAt'], message: `stage ${stage.kind} finishes before it starts` });
      }
    });
    const results = new Set<string>();
    input.evalResults.forEach((result, index) => {
      const key = [result.protocol, result.layer, result.dataset, result.metric].join('\u0000');
      if (results.has(key)) ctx.addIssue({ code: 'custom', path: ['evalResults', index], message: `${result.protocol}/${result.layer}/${result.dataset}/${result.metric} is listed twice` });
      results.add(key);
    });
  });
export type ImportRunInput = z.infer<typeof importRunInput>;
