import { runConfigSchema } from '@ktlab/config';
import { claimNextShard } from '../../services/shard-queue';
import { requireWorker } from '../../services/worker-access';
import type { WorkerContext } from '../../trpc/worker-context';
import type { ClaimShardInput } from './claim.schema';

/** The next queued shard of any running run, with the run's config so the worker can execute it. */
export async function claimShardHandler({ ctx, input }: { ctx: WorkerContext; input: ClaimShardInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  const task = await claimNextShard(ctx.db, input.workerId, { runId: input.runId });
  if (!task) return null;
  return {
    id: task.id,
    runId: task.runId,
    kind: task.kind,
    iteration: task.iteration,
    shard: task.shard,
    attempt: task.attempt,
    input: task.input as Record<string, unknown>,
    config: runConfigSchema.parse(task.run.config),
  };
}
