import type { RunConfig } from '@ktlab/config';

export type StageKind = 'pretext' | 'features' | 'kmeans' | 'pseudo-labels' | 'cluster-classification' | 'eval' | 'train';
export type StageStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface EvalResult {
  protocol: 'linear' | 'nonlinear' | 'finetune' | 'knn';
  layer: string;
  dataset: string;
  metric: string;
  value: number;
}

/** What a job sees of the world: its run, a way to report, and a signal that stops it. */
export interface JobContext {
  runId: string;
  attempt: number;
  config: RunConfig;
  /** Aborted when the run is cancelled, the worker shuts down, or the lease is lost; check it between steps. */
  signal: AbortSignal;
  /** Stages already finished by an earlier attempt (for resuming). */
  finishedStages: ReadonlySet<string>;
  metric(key: string, step: number, value: number): Promise<void>;
  stage(kind: StageKind, ordinal: number, status: StageStatus, progress: number, message?: string): Promise<void>;
  log(message: string): void;
}

export interface JobResult {
  evalResults?: EvalResult[];
}

export type Job = (context: JobContext) => Promise<JobResult>;

/** Thrown by a job that noticed its signal was aborted. */
export class JobAbortedError extends Error {
  constructor(readonly reason: string) {
    super(`job stopped: ${reason}`);
  }
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new JobAbortedError(String(signal.reason ?? 'aborted'));
}
