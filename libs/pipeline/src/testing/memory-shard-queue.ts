/**
 * A shard queue whose tasks run in this process, as shard workers would run them (`executeShardTask`), last shard
 * first, with the run's files in memory: the sharded stages with no portal.
 */
import type { DistanceEngine } from '@ktlab/kmeans';
import type { ShardQueue } from '../context';
import { executeShardTask, ShardWorkerState, type RunFiles } from '../sharding/shard-tasks';

export interface MemoryShardQueue extends ShardQueue {
  /** The run's files by name. */
  files: Map<string, Uint8Array>;
  /** Every step run, as `<kind>/<step>×<tasks>`. */
  steps: string[];
  dispose(): Promise<void>;
}

export function memoryShardQueue(engine?: DistanceEngine): MemoryShardQueue {
  const runId = 'memory-run';
  const files = new Map<string, Uint8Array>();
  const runFiles: RunFiles = {
    get: async (_run, name) => files.get(name) ?? Promise.reject(new Error(`no file ${name}`)),
    put: async (_run, name, data) => void files.set(name, new Uint8Array(data)),
  };
  const state = new ShardWorkerState({ engine });
  const steps: string[] = [];
  return {
    files,
    steps,
    putFile: (name, data) => runFiles.put(runId, name, data),
    getFile: (name) => runFiles.get(runId, name),
    async runStep(kind, step, inputs) {
      steps.push(`${kind}/${step}×${inputs.length}`);
      const outputs: string[] = [];
      for (let shard = inputs.length - 1; shard >= 0; shard--) {
        // a JSON round trip, as the portal's queue stores the inputs
        const input: unknown = JSON.parse(JSON.stringify(inputs[shard]));
        outputs[shard] = await executeShardTask({ runId, kind, shard, input }, runFiles, state);
      }
      return outputs;
    },
    dispose: () => state.dispose(),
  };
}
