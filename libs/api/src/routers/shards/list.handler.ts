import { listShards } from '../../services/shard-queue';
import { requireHeldRun, requireWorker } from '../../services/worker-access';
import type { WorkerContext } from '../../trpc/worker-context';
import type { ListShardsInput } from './list.schema';

/** Every shard of a stage step, for the run's worker (it reduces the outputs). */
export async function listShardsHandler({ ctx, input }: { ctx: WorkerContext; input: ListShardsInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  await requireHeldRun(ctx.db, input.workerId, input.runId);
  return listShards(ctx.db, { runId: input.runId, kind: input.kind, iteration: input.iteration });
}
