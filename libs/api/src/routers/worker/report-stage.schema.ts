import { z } from 'zod';

export const stageKindSchema = z.enum([
  'pretext',
  'features',
  'kmeans',
  'pseudo-labels',
  'cluster-classification',
  'eval',
  'train',
]);

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
