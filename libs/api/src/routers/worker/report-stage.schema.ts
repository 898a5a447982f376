import { WORKER_STAGE_KINDS } from '@ktlab/config';
import { z } from 'zod';

export const stageKindSchema = z.enum(WORKER_STAGE_KINDS);

export const reportStageInput = z.object({
  workerId: z.string().min(1),
  runId: z.string().min(1),
  kind: stageKindSchema,
  ordinal: z.number().int().min(0).max(100),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']),
  progress: z.number().min(0).max(1),
  message: z.string().max(2000).optional(),
});
export type ReportStageInput = z.infer<typeof reportStageInput>;
