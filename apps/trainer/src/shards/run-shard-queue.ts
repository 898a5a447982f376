type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The pipeline's `ShardQueue` (libs/pipeline context) over the portal: a step's tasks go to the portal's shard
 * queue, their files travel as the run's artifacts. While a step's tasks are outstanding the run's worker executes
 * its own run's shards too, so one worker alone still finishes. What the tasks are and how they are executed is
 * libs/pipeline/src/sharding's.
 */
import type { ShardKind } from '@ktlab/config';
import { throwIfAborted, type RunFiles, type ShardQueue } from '@ktlab/pipeline';
import type { PortalClient } from '../api-client';
import { isTransient, withRetry } from '../retry';
import type { ShardExecutor } from './shard-executor';

export interface RunShardQueueOptions {
  client: PortalClient;
  workerId: string;
  runId: string;
  files: RunFiles;
  executor: ShardExecutor;
  signal: AbortSignal;
  pollMs?: number;
}

export function createRunShardQueue(options: RunShardQueueOptions): ShardQueue {
  const { files, runId } = options;
  return {
    runStep: (kind, step, inputs, onProgress) => runShardStep(options, kind, step, inputs, onProgress),
    putFile: (name, data) => files.put(runId, name, data),
    getFile: (name) => files.get(runId, name),
  };
}

/**
 * Enqueues one task per input (shard = index; idempotent) and waits until every shard has an output, executing
 * the run's own shards meanwhile; the outputs in shard order.
 */
export async function runShardStep(
  options: RunShardQueueOptions,
  kind: ShardKind,
  iteration: number,
  inputs: readonly Record<string, unknown>[],
  onProgress?: (done: number, total: number) => void,
): Promise<string[]> {
  const { client, workerId, runId, executor, signal } = options;
  // JSON round trip: the queue stores JSON, and optional fields left undefined are not JSON values.
  const shards = inputs.map((input, shard) => ({ shard, input: JSON.parse(JSON.stringify(input)) as Record<string, JsonValue> }));
  await withRetry(() => client.shards.enqueue.mutate({ workerId, runId, kind, iteration, shards }), { retryIf: isTransient, retries: 50 });
  for (;;) {
    throwIfAborted(signal);
    const listed = await withRetry(() => client.shards.list.query({ workerId, runId, kind, iteration }), { retryIf: isTransient, retries: 50 });
    const failed = listed.find((task) => task.status === 'failed');
    if (failed) throw new Error(`${kind} shard ${failed.shard} failed ${failed.attempt} times: ${failed.error}`);
    const done = listed.filter((task) => task.status === 'succeeded');
    onProgress?.(done.length, shards.length);
    if (listed.length === shards.length && done.length === shards.length) {
      return [...listed].sort((a, b) => a.shard - b.shard).map((task) => task.output ?? fail(`${kind} shard ${task.shard} succeeded without naming its output`));
    }
    const worked = await executor.runOne(runId);
    if (!worked) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
}

function fail(message: string): never {
  throw new Error(message);
}
