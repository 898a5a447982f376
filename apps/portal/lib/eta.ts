/**
 * Time left for a running stage, extrapolated from its progress so far: elapsed · (1 − p) / p. Too little
 * progress (or time) gives no estimate rather than a wild one.
 */
export interface StageTiming {
  kind: string;
  status: string;
  /** 0..1 */
  progress: number;
  startedAt: Date | null;
}

const MIN_PROGRESS = 0.02;
const MIN_ELAPSED_MS = 3000;

/** Milliseconds until the stage finishes, or undefined when it is not running or too early to tell. */
export function stageEta(stage: StageTiming, now: number): number | undefined {
  if (stage.status !== 'running' || !stage.startedAt) return undefined;
  const elapsed = now - stage.startedAt.getTime();
  const progress = Math.min(1, stage.progress);
  if (!(progress >= MIN_PROGRESS) || elapsed < MIN_ELAPSED_MS) return undefined;
  return (elapsed * (1 - progress)) / progress;
}

/**
 * Milliseconds until the whole run finishes: known only when the running stage is the last one left (every
 * other stage finished or skipped), since a stage that has not started yet gives nothing to extrapolate from.
 */
export function runEta(stages: StageTiming[], now: number): number | undefined {
  const running = stages.filter((stage) => stage.status === 'running');
  if (running.length !== 1) return undefined;
  const waiting = stages.some((stage) => stage.status === 'pending' || stage.status === 'queued');
  return waiting ? undefined : stageEta(running[0], now);
}
