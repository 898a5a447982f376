import { z } from 'zod';

export const MAX_LOG_LINES_PER_BATCH = 1000;
export const MAX_LOG_LINE_CHARS = 4000;

export const logLineSchema = z.object({
  /** 0, 1, 2, … within the attempt, in the order the trainer logged the lines. */
  seq: z.number().int().min(0).max(2 ** 31 - 1),
  time: z.date(),
  /** Longer lines are cut (with a marker) by the trainer; the portal refuses rather than silently cutting. */
  message: z.string().max(MAX_LOG_LINE_CHARS),
});

export const appendLogsInput = z.object({
  workerId: z.string().min(1),
  runId: z.string().min(1),
  attempt: z.number().int().min(1),
  lines: z.array(logLineSchema).min(1).max(MAX_LOG_LINES_PER_BATCH),
});
export type AppendLogsInput = z.infer<typeof appendLogsInput>;
