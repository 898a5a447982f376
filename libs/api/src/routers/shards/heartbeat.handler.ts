import { renewShardLeases } from '../../services/shard-queue';
import { requireWorker } from '../../services/worker-access';
import type { WorkerContext } from '../../trpc/worker-context';
import type { ShardHeartbeatInput } from './heartbeat.schema';

export async function shardHeartbeatHandler({ ctx, input }: { ctx: WorkerContext; input: ShardHeartbeatInput }) {
  await requireWorker(ctx.db, ctx.token.id, input.workerId);
  return { held: await renewShardLeases(ctx.db, input.workerId, input.taskIds) };
}
