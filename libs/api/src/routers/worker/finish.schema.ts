import { evalResultRowSchema } from '@ktlab/config';
import { z } from 'zod';

export const finishInput = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('succeeded'),
    workerId: z.string().min(1),
    runId: z.string().min(1),
    evalResults: z.array(evalResultRowSchema).max(10_000).default([]),
  }),
  z.object({
    outcome: z.literal('failed'),
    workerId: z.string().min(1),
    runId: z.string().min(1),
    error: z.string().min(1).max(20_000),
  }),
  z.object({ outcome: z.literal('cancelled'), workerId: z.string().min(1), runId: z.string().min(1) }),
  /** The worker is shutting down: the run goes back to the queue, to be resumed from its checkpoint. */
  z.object({ outcome: z.literal('released'), workerId: z.string().min(1), runId: z.string().min(1) }),
]);
export type FinishInput = z.infer<typeof finishInput>;
