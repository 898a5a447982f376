/** The pipeline's `ShardQueue` (libs/pipeline context) over the portal's shard queue and the run's files. */
import type { ShardQueue } from '@ktlab/pipeline';
import { QueueShards, runShardStep, type QueueShardsOptions } from './queue-shards';

export function createRunShardQueue(options: QueueShardsOptions): ShardQueue {
  const { files, runId } = options;
  return {
    runStep: (kind, step, inputs, onProgress) => runShardStep(options, kind, step, inputs, onProgress),
    putFile: (name, data) => files.put(runId, name, data),
    getFile: (name) => files.get(runId, name),
    points: (shards, dims) => QueueShards.over(options, shards, dims),
  };
}
