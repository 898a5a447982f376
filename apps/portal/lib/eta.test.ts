import { describe, expect, it } from 'vitest';
import { runEta, stageEta, type StageTiming } from './eta';

const now = Date.parse('2026-11-23T12:00:00Z');
const started = (secondsAgo: number) => new Date(now - secondsAgo * 1000);
const stage = (kind: string, status: string, progress: number, secondsAgo: number | null): StageTiming => ({
  kind,
  status,
  progress,
  startedAt: secondsAgo === null ? null : started(secondsAgo),
});

describe('stage ETA', () => {
  it('extrapolates the time left from progress and elapsed time', () => {
    expect(stageEta(stage('kmeans', 'running', 0.25, 60), now)).toBe(180_000);
    expect(stageEta(stage('kmeans', 'running', 0.5, 600), now)).toBe(600_000);
    expect(stageEta(stage('kmeans', 'running', 1, 600), now)).toBe(0);
  });

  it('gives no estimate too early, for stages not running, or without a start time', () => {
    expect(stageEta(stage('kmeans', 'running', 0.01, 600), now)).toBeUndefined();
    expect(stageEta(stage('kmeans', 'running', 0.5, 1), now)).toBeUndefined();
    expect(stageEta(stage('kmeans', 'succeeded', 1, 60), now)).toBeUndefined();
    expect(stageEta(stage('kmeans', 'running', 0.5, null), now)).toBeUndefined();
    expect(stageEta(stage('kmeans', 'running', Number.NaN, 60), now)).toBeUndefined();
  });

  it('estimates the whole run only when its running stage is the last one left', () => {
    const done = [stage('pretext', 'succeeded', 1, 900), stage('features', 'skipped', 0, null)];
    expect(runEta([...done, stage('eval', 'running', 0.75, 30)], now)).toBe(10_000);
    expect(runEta([...done, stage('kmeans', 'running', 0.75, 30), stage('eval', 'pending', 0, null)], now)).toBeUndefined();
    expect(runEta(done, now)).toBeUndefined();
  });
});
