/**
 * Fault injection for the reliability tests: makes the trainer SIGKILL itself at a chosen point of a pipeline
 * run, so a test can show that another worker resumes the run to the same result. Read from
 * `KTLAB_TEST_SIGKILL_AT` and honoured only under a test runner (`VITEST` or `NODE_ENV=test` set); anywhere
 * else the variable is ignored with a warning, so it can never kill a production worker.
 *
 *   `<stage>`               when the stage starts (its `running` report has reached the portal)
 *   `<stage>@checkpoint=N`  after the stage's N-th epoch checkpoint has been copied to the portal
 *   `<stage>@step=N`        when the stage's training step N (0-based) has been computed, mid-epoch
 */
import { PIPELINE_STAGES, type PipelineStageKind } from '@ktlab/config';

export type KillPoint =
  | { stage: PipelineStageKind; at: 'start' }
  | { stage: PipelineStageKind; at: 'checkpoint'; n: number }
  | { stage: PipelineStageKind; at: 'step'; n: number };

export function parseKillPoint(text: string): KillPoint {
  const match = /^([a-z-]+)(?:@(checkpoint|step)=(\d+))?$/.exec(text.trim());
  const stage = match?.[1] as PipelineStageKind | undefined;
  if (!match || !stage || !PIPELINE_STAGES.includes(stage)) {
    throw new Error(`KTLAB_TEST_SIGKILL_AT: expected <stage>[@checkpoint=N|@step=N] with a stage of ${PIPELINE_STAGES.join(', ')}, got "${text}"`);
  }
  if (!match[2]) return { stage, at: 'start' };
  return { stage, at: match[2] as 'checkpoint' | 'step', n: Number(match[3]) };
}

export interface KillSwitch {
  /** A stage report has reached the portal. */
  stageReported(kind: PipelineStageKind, status: string): void;
  /** An epoch checkpoint has been copied to the portal. */
  checkpointPushed(): void;
  /** A metric point was logged (training steps are the `…/loss` points). */
  metric(key: string, step: number): void;
}

/** Whether fault injection may act: only under a test runner, so no variable left set can touch a production worker. */
export function underTestRunner(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.VITEST) || env.NODE_ENV === 'test';
}

const inactive: KillSwitch = { stageReported: () => undefined, checkpointPushed: () => undefined, metric: () => undefined };

export function killSwitchFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  log: (message: string) => void = console.log,
  kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
): KillSwitch {
  const spec = env.KTLAB_TEST_SIGKILL_AT;
  if (!spec) return inactive;
  if (!underTestRunner(env)) {
    log('KTLAB_TEST_SIGKILL_AT ignored: fault injection works only under a test runner');
    return inactive;
  }
  const point = parseKillPoint(spec);
  let current: PipelineStageKind | undefined;
  let checkpoints = 0;
  const fire = (where: string) => {
    log(`test kill switch: SIGKILL ${where}`);
    kill();
  };
  return {
    stageReported(kind, status) {
      if (status !== 'running' || current === kind) return;
      current = kind;
      if (point.at === 'start' && kind === point.stage) fire(`at the start of ${kind}`);
    },
    checkpointPushed() {
      if (point.at !== 'checkpoint' || current !== point.stage) return;
      if (++checkpoints === point.n) fire(`after checkpoint ${point.n} of ${current}`);
    },
    metric(key, step) {
      if (point.at !== 'step' || current !== point.stage || !key.endsWith('/loss')) return;
      if (step === point.n) fire(`at step ${step} of ${current}`);
    },
  };
}
