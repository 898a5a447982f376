/**
 * Any worker's side of sharded stages, the transport: claim one queued shard task (of any run, or of one run while
 * its own worker waits on it), have libs/pipeline execute it (`executeShardTask`) under a renewed lease, and report
 * the output or the error.
 */
import { executeShardTask, ShardWorkerState, type RunFiles, type ShardWorkerOptions } from '@ktlab/pipeline';
import type { PortalClient } from '../api-client';
import { isTransient, withRetry } from '../retry';

export interface ShardExecutorOptions {
  client: PortalClient;
  workerId: string;
  files: RunFiles;
  /** Default: a multithreaded distance engine, created when the first k-means or assignment shard arrives. */
  engine?: ShardWorkerOptions['engine'];
  /** The decode cache for feature shards' datasets. */
  cacheDir?: string;
  /**
   * Renews the leases of the shards being executed off the main thread (the daemon's heartbeat thread), so a
   * shard's synchronous work cannot let them lapse. Without it a timer on the main thread renews them.
   */
  leases?: ShardLeases;
  /** How often the timer renews the shard's lease while it runs, without `leases` (well under the portal's lease). */
  renewMs?: number;
  /** Claim no more than this many shard tasks in this executor's life (tests: who executes what); default: no limit. */
  maxShards?: number;
  log?: (message: string) => void;
}

export interface ShardLeases {
  /** The shard tasks whose leases are renewed from now on (none: stop). */
  holdShards(taskIds: readonly string[]): void;
}

export class ShardExecutor {
  private readonly state: ShardWorkerState;
  executed = 0;
  private claimed = 0;

  constructor(private readonly options: ShardExecutorOptions) {
    this.state = new ShardWorkerState({ engine: options.engine, cacheDir: options.cacheDir });
  }

  /** Releases what the executed shards left loaded (the network, the engine's threads if this executor created them). */
  close(): Promise<void> {
    return this.state.dispose();
  }

  /** Claims and executes one shard task; false when none was queued. */
  async runOne(runId?: string): Promise<boolean> {
    const { client, workerId, maxShards } = this.options;
    if (maxShards !== undefined && this.claimed >= maxShards) return false;
    const task = await withRetry(() => client.shards.claim.mutate({ workerId, runId }), { retryIf: isTransient, retries: 20 });
    if (!task) return false;
    this.claimed++;
    const { leases } = this.options;
    leases?.holdShards([task.id]);
    const renew = leases
      ? undefined
      : setInterval(() => void client.shards.heartbeat.mutate({ workerId, taskIds: [task.id] }).catch(() => undefined), this.options.renewMs ?? 5_000);
    try {
      const output = await executeShardTask(task, this.options.files, this.state);
      await withRetry(() => client.shards.finish.mutate({ outcome: 'succeeded', workerId, taskId: task.id, output }), { retryIf: isTransient, retries: 50 });
      this.executed++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.(`shard ${task.kind} ${task.shard} of run ${task.runId} failed: ${message}`);
      await withRetry(() => client.shards.finish.mutate({ outcome: 'failed', workerId, taskId: task.id, error: message }), {
        retryIf: isTransient,
        retries: 50,
      }).catch((finishError: unknown) => this.options.log?.(`could not report it: ${(finishError as Error).message}`));
    } finally {
      clearInterval(renew);
      leases?.holdShards([]);
    }
    return true;
  }
}
