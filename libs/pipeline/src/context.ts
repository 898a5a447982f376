import type { EvalProtocolName, PipelineConfig, PipelineStageKind } from '@ktlab/config';
import type { ShardedPoints } from '@ktlab/kmeans';
import type { FeatureShardRef } from './sharding/shard-plan';

export type StageKind = PipelineStageKind;
export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface EvalResult {
  protocol: EvalProtocolName;
  layer: string;
  dataset: string;
  metric: string;
  value: number;
}

/** What a stage may do to the world: report, write under its run folder, and notice it should stop. */
export interface PipelineContext {
  config: PipelineConfig;
  /** The run's folder: checkpoints, features, centroids, models, figures. */
  runDir: string;
  /** Where the decode cache lives (shared by runs). */
  cacheDir?: string;
  /** `KTLAB_DATASET_ROOTS`, absolute: every dataset the run opens must lie inside one (empty or absent: any path). */
  datasetRoots?: readonly string[];
  signal: AbortSignal;
  metric(key: string, step: number, value: number): Promise<void> | void;
  stage(kind: StageKind, status: StageStatus, progress: number, message?: string): Promise<void> | void;
  log(message: string): void;
  /** Called after an epoch checkpoint is complete on disk (the trainer copies it to the portal). */
  checkpointed?(): Promise<void> | void;
  /**
   * Shares the clustering features out as shards for `clustering.shardRows` > 0: the trainer hands them to the
   * run queue so other workers execute the k-means steps; without it the shards stay in this process.
   */
  shardFeatures?(features: Float32Array, dims: number, rowsPerShard: number): Promise<ShardedPoints>;
  /**
   * The run's shard queue, for `clustering.shardRows` > 0: feature extraction and the pseudo-label assignment
   * become one task per row range that any worker may execute; without it they run in this process.
   */
  shardQueue?: ShardQueue;
}

/** The kinds of shard task the pipeline enqueues itself (the k-means steps go through `ShardedPoints`). */
export type PipelineShardKind = 'features' | 'assign';

export interface ShardQueue {
  /**
   * Enqueues one task per input (shard = index; idempotent for the same step) and waits until every one has
   * put its output file; resolves with those names in shard order. `onProgress` hears the shards done.
   */
  runStep(kind: PipelineShardKind, step: number, inputs: readonly Record<string, unknown>[], onProgress?: (done: number, total: number) => void): Promise<string[]>;
  putFile(name: string, data: Uint8Array): Promise<void>;
  getFile(name: string): Promise<Uint8Array>;
  /** k-means over feature shards already put as the run's files. */
  points(shards: readonly FeatureShardRef[], dims: number): ShardedPoints;
}

export class PipelineAbortedError extends Error {
  constructor(readonly reason: unknown) {
    super(`pipeline stopped: ${String(reason)}`);
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new PipelineAbortedError(signal.reason);
}

/** Calls `report` at most every `ms` milliseconds (progress messages must not flood the portal). */
export function throttle<T extends unknown[]>(ms: number, report: (...args: T) => unknown): (...args: T) => void {
  let last = 0;
  return (...args: T) => {
    const now = Date.now();
    if (now - last < ms) return;
    last = now;
    void report(...args);
  };
}
