import { TRPCError } from '@trpc/server';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { WorkerContext } from '../../trpc/worker-context';
import type { AppendLogsInput } from './append-logs.schema';

/**
 * Idempotent, like metrics: a line is keyed by (run, attempt, seq), so a batch re-sent after a lost response
 * inserts only the lines the portal does not have yet. Returns how many lines were new.
 */
export async function appendLogsHandler({ ctx, input }: { ctx: WorkerContext; input: AppendLogsInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  const run = await requireHeldRun(ctx.db, input.workerId, input.runId);
  if (input.attempt !== run.attempt) {
    throw new TRPCError({ code: 'CONFLICT', message: `run ${input.runId} is at attempt ${run.attempt}, not ${input.attempt}` });
  }
  const seqs = input.lines.map((line) => line.seq);
  const times = input.lines.map((line) => line.time);
  const messages = input.lines.map((line) => line.message);
  const inserted = await ctx.db.$executeRaw`
    INSERT INTO "RunLog" ("runId", attempt, seq, time, message)
    SELECT ${input.runId}, ${input.attempt}, * FROM unnest(${seqs}::int[], ${times}::timestamptz[], ${messages}::text[])
    ON CONFLICT ("runId", attempt, seq) DO NOTHING`;
  return { inserted };
}
