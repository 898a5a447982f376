import { describe, expect, it } from 'vitest';
import { killSwitchFromEnv, parseKillPoint } from './test-kill-switch';

describe('test kill switch', () => {
  it('parses a stage, a checkpoint count or a step, and names what it expects otherwise', () => {
    expect(parseKillPoint('kmeans')).toEqual({ stage: 'kmeans', at: 'start' });
    expect(parseKillPoint('pretext@checkpoint=2')).toEqual({ stage: 'pretext', at: 'checkpoint', n: 2 });
    expect(parseKillPoint('cluster-classification@step=4')).toEqual({ stage: 'cluster-classification', at: 'step', n: 4 });
    expect(() => parseKillPoint('kmean')).toThrow(/expected <stage>\[@checkpoint=N\|@step=N\] with a stage of pretext, .*got "kmean"/);
    expect(() => parseKillPoint('eval@epoch=1')).toThrow(/got "eval@epoch=1"/);
  });

  it('fires exactly at its point, and never outside a test runner', () => {
    const fired: string[] = [];
    const sw = (spec: string, env: NodeJS.ProcessEnv = { VITEST: 'true' }) =>
      killSwitchFromEnv({ ...env, KTLAB_TEST_SIGKILL_AT: spec }, (m) => fired.push(m), () => fired.push('KILL'));

    const atStart = sw('features');
    atStart.stageReported('pretext', 'running');
    atStart.stageReported('pretext', 'succeeded');
    expect(fired).toEqual([]);
    atStart.stageReported('features', 'running');
    expect(fired).toEqual(['test kill switch: SIGKILL at the start of features', 'KILL']);

    fired.length = 0;
    const atCheckpoint = sw('cluster-classification@checkpoint=2');
    atCheckpoint.stageReported('pretext', 'running');
    atCheckpoint.checkpointPushed();
    atCheckpoint.checkpointPushed();
    atCheckpoint.stageReported('cluster-classification', 'running');
    atCheckpoint.checkpointPushed();
    expect(fired).toEqual([]);
    atCheckpoint.checkpointPushed();
    expect(fired).toEqual(['test kill switch: SIGKILL after checkpoint 2 of cluster-classification', 'KILL']);

    fired.length = 0;
    const atStep = sw('pretext@step=3');
    atStep.stageReported('pretext', 'running');
    atStep.metric('pretext/loss', 2);
    atStep.metric('pretext/epoch_loss', 3);
    expect(fired).toEqual([]);
    atStep.metric('pretext/loss', 3);
    expect(fired).toEqual(['test kill switch: SIGKILL at step 3 of pretext', 'KILL']);

    fired.length = 0;
    const production = sw('features', {});
    production.stageReported('features', 'running');
    expect(fired).toEqual(['KTLAB_TEST_SIGKILL_AT ignored: fault injection works only under a test runner']);
  });
});
