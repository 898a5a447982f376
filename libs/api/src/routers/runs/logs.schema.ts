import { z } from 'zod';

export const logCursorSchema = z.object({ attempt: z.number().int().min(0), seq: z.number().int().min(0) });
export type LogCursor = z.infer<typeof logCursorSchema>;

export const runLogsInput = z.object({
  runId: z.string().min(1).max(64),
  /** Lines strictly older than this one; absent: the newest lines (the tail). */
  cursor: logCursorSchema.nullish(),
  limit: z.number().int().min(1).max(1000).default(200),
});
export type RunLogsInput = z.infer<typeof runLogsInput>;
