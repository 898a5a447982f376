import type { PipelineConfig, PipelineStageKind, ShardKind } from '@ktlab/config';

export type { EvalResult } from '@ktlab/config';
export type StageKind = PipelineStageKind;
export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

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
   * The run's shard queue, for `clustering.shardRows` > 0: feature extraction, the k-means steps and the
   * pseudo-label assignment become one task per row range that any worker may execute (libs/pipeline/src/sharding
   * plans and executes them); without it they run in this process.
   */
  shardQueue?: ShardQueue;
}

/**
 * How the run's worker hands shard tasks out: the transport only (the trainer's is the portal's shard queue and
 * run files). Tasks are planned, executed and merged by libs/pipeline/src/sharding.
 */
export interface ShardQueue {
  /**
   * Enqueues one task per input (shard = index; idempotent for the same step) and waits until every one has
   * put its output file; resolves with those names in shard order. `onProgress` hears the shards done.
   */
  runStep(kind: ShardKind, step: number, inputs: readonly Record<string, unknown>[], onProgress?: (done: number, total: number) => void): Promise<string[]>;
  putFile(name: string, data: Uint8Array): Promise<void>;
  getFile(name: string): Promise<Uint8Array>;
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
