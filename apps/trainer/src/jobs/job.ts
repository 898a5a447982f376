import type { RunConfig } from '@ktlab/config';

import type { EvalResult, StageKind as PipelineStageKind, StageStatus } from '@ktlab/pipeline';

export type { EvalResult, StageStatus };
/** The pipeline's stages, plus `train` for single-stage jobs such as the worker check. */
export type StageKind = PipelineStageKind | 'train';

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
  /** Hands a file to the portal, shown on the run page (figures) and downloadable. */
  uploadArtifact(kind: 'figure' | 'eval-table' | 'log', name: string, data: Uint8Array): Promise<void>;
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
