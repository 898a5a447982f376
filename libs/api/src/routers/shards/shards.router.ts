import { router } from '../../trpc/init';
import { workerProcedure } from '../../trpc/procedures';
import { claimShardHandler } from './claim.handler';
import { claimShardInput } from './claim.schema';
import { enqueueShardsHandler } from './enqueue.handler';
import { enqueueShardsInput } from './enqueue.schema';
import { finishShardHandler } from './finish.handler';
import { finishShardInput } from './finish.schema';
import { shardHeartbeatHandler } from './heartbeat.handler';
import { shardHeartbeatInput } from './heartbeat.schema';
import { listShardsHandler } from './list.handler';
import { listShardsInput } from './list.schema';

/** Sharded stage steps (scale-out): the run's worker enqueues and lists, any worker claims and finishes. */
export const shardsRouter = router({
  enqueue: workerProcedure.input(enqueueShardsInput).mutation(enqueueShardsHandler),
  claim: workerProcedure.input(claimShardInput).mutation(claimShardHandler),
  heartbeat: workerProcedure.input(shardHeartbeatInput).mutation(shardHeartbeatHandler),
  finish: workerProcedure.input(finishShardInput).mutation(finishShardHandler),
  list: workerProcedure.input(listShardsInput).query(listShardsHandler),
});
