import { TRPCError } from '@trpc/server';
import { finishShard } from '../../services/shard-queue';
import { requireWorker } from '../../services/worker-access';
import type { WorkerContext } from '../../trpc/worker-context';
import type { FinishShardInput } from './finish.schema';

export async function finishShardHandler({ ctx, input }: { ctx: WorkerContext; input: FinishShardInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  const result = input.outcome === 'succeeded' ? { outcome: input.outcome, output: input.output } : { outcome: input.outcome, error: input.error };
  const recorded = await finishShard(ctx.db, input.workerId, input.taskId, result);
  if (recorded === 'not-held') {
    throw new TRPCError({ code: 'CONFLICT', message: `shard task ${input.taskId} is not held by this worker (its lease expired or it finished)` });
  }
  return { recorded: true };
}
