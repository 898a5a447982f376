import type { PipelineConfig, PipelineStageKind } from '@ktlab/config';
import type { ShardedPoints } from '@ktlab/kmeans';

export type StageKind = PipelineStageKind;
export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface EvalResult {
  protocol: 'linear' | 'nonlinear' | 'finetune' | 'knn';
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
