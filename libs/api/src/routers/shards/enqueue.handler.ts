import { enqueueShards } from '../../services/shard-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { WorkerContext } from '../../trpc/worker-context';
import type { EnqueueShardsInput } from './enqueue.schema';

/** The run's worker splits a stage step into shards (idempotent: shards already enqueued are kept as they are). */
export async function enqueueShardsHandler({ ctx, input }: { ctx: WorkerContext; input: EnqueueShardsInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  const { runId, kind, iteration } = input;
  return { enqueued: await enqueueShards(ctx.db, { runId, kind, iteration }, input.shards) };
}
