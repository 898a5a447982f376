import type { RunConfig, WorkerStageKind } from '@ktlab/config';
import type { DownloadKind, EvalResult, PipelineContext, StageStatus } from '@ktlab/pipeline';

export type { EvalResult, StageStatus };
/** The pipeline's stages, plus `train` for single-stage jobs such as the worker check. */
export type StageKind = WorkerStageKind;

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
  /** Hands a file to the portal, shown on the run page (figures) and downloadable; `{ file }` is streamed from disk. */
  uploadArtifact(kind: 'figure' | 'eval-table' | 'log' | 'clusters' | DownloadKind, name: string, data: Uint8Array | { file: string }): Promise<void>;
  /** The run folder's checkpoint copy on the portal, so another machine can resume the run. */
  checkpoints(runDir: string): RunCheckpoints;
  /** The run's shard queue: sharded features, k-means and assignment go through it (absent: they run in this process). */
  shardQueue?: PipelineContext['shardQueue'];
}

export interface RunCheckpoints {
  /** Brings a missing or outdated run folder up to the portal's last checkpoint. */
  restore(): Promise<'none' | 'up-to-date' | 'restored'>;
  /** Sends what changed in the run folder since the last push. */
  push(): Promise<void>;
}

export interface JobResult {
  evalResults?: EvalResult[];
}

export type Job = (context: JobContext) => Promise<JobResult>;

/** A job that notices its signal was aborted throws the pipeline's PipelineAbortedError (one error for both). */
export { PipelineAbortedError, throwIfAborted } from '@ktlab/pipeline';
