import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { encodeMetricBatch } from '@ktlab/api/metric-batch';
import type { IngestVerdict } from './ingest-plan';
import { attemptsLine, countBy, interleave, parseLogMetricsBody, SentLedger, soakFailures, summarizeAttempts } from './soak-report';

const body = (input: unknown) => JSON.stringify(superjson.serialize(input));
const batch = (runId: string, points: Array<[key: string, step: number, value: number]>) => ({
  runId,
  points: points.map(([key, step, value]) => ({ key, step, value })),
});

describe('parseLogMetricsBody', () => {
  it('reads run and points from the tRPC + superjson body, NaN and ±Infinity included', () => {
    const wallTime = new Date(0);
    const parsed = parseLogMetricsBody(
      body({ workerId: 'w', runId: 'r1', points: [{ key: 'loss', step: 0, value: Number.NaN, wallTime }, { key: 'loss', step: 1, value: -Infinity, wallTime }, { key: 'acc', step: 1, value: 0.5, wallTime }] }),
    );
    expect(parsed.runId).toBe('r1');
    expect(parsed.points.map((p) => [p.key, p.step, p.value])).toEqual([['loss', 0, Number.NaN], ['loss', 1, -Infinity], ['acc', 1, 0.5]]);
    const columns = parseLogMetricsBody(
      body({ workerId: 'w', runId: 'r2', series: [{ key: 'loss', steps: [0, 1], values: [Number.NaN, 2], wallTimes: [1, 2] }, { key: 'acc', steps: [1], values: [0.5], wallTimes: [2] }] }),
    );
    expect(columns.runId).toBe('r2');
    expect(columns.points.map((p) => [p.key, p.step, p.value])).toEqual([['loss', 0, Number.NaN], ['loss', 1, 2], ['acc', 1, 0.5]]);
  });

  it('reads the binary batch the trainer sends', () => {
    const bytes = encodeMetricBatch({
      workerId: 'w',
      runId: 'r3',
      series: [
        { key: 'loss', steps: [0, 1], values: [Number.NaN, -Infinity], wallTimes: [1, 2] },
        { key: 'acc', steps: [1], values: [0.5], wallTimes: [2] },
      ],
    });
    const parsed = parseLogMetricsBody(Buffer.from(bytes));
    expect(parsed.runId).toBe('r3');
    expect(parsed.points.map((p) => [p.key, p.step, p.value])).toEqual([['loss', 0, Number.NaN], ['loss', 1, -Infinity], ['acc', 1, 0.5]]);
    // JSON bodies arrive as bytes from the tap too
    expect(parseLogMetricsBody(Buffer.from(body({ workerId: 'w', runId: 'r4', points: [{ key: 'k', step: 3, value: 1, wallTime: new Date(0) }] }))).points).toEqual([{ key: 'k', step: 3, value: 1 }]);
    expect(() => parseLogMetricsBody(Buffer.from(bytes).subarray(0, bytes.byteLength - 1))).toThrow(/not a metric batch: .*must be \d+ bytes/);
  });

  it('refuses a body that is not a metric batch', () => {
    expect(() => parseLogMetricsBody('{"json":{"runId":"r1"}}')).toThrow();
    expect(() => parseLogMetricsBody(body({ runId: 'r1', points: [{ key: 'loss', step: -1, value: 1 }] }))).toThrow();
    expect(() => parseLogMetricsBody('not json')).toThrow();
    expect(() => parseLogMetricsBody(body({ runId: 'r1', series: [{ key: 'loss', steps: [0, 1], values: [1] }] }))).toThrow('same length');
  });
});

describe('SentLedger', () => {
  it('keeps each (run, key, step) once with its first value and counts re-sends and conflicting ones', () => {
    const ledger = new SentLedger();
    ledger.record(batch('r1', [['loss', 0, 1], ['loss', 1, Number.NaN]]));
    ledger.record(batch('r1', [['loss', 0, 1], ['loss', 1, Number.NaN]])); // a retried batch: same values
    ledger.record(batch('r2', [['loss', 0, 2]])); // another run, same key and step
    ledger.record(batch('r1', [['loss', 0, 1.5]])); // a replay that computed another value
    expect(ledger.size).toBe(3);
    expect(ledger.resent).toBe(3);
    expect(ledger.conflicting).toBe(1);
    expect([...ledger.resentByKey]).toEqual([['loss', 3]]);
    expect(ledger.points()).toContainEqual({ runId: 'r1', key: 'loss', step: 0, value: 1 });
  });
});

describe('attempts and outcome', () => {
  it('summarises attempts per run', () => {
    const summary = summarizeAttempts([1, 2, 1, 1, 3]);
    expect(summary).toEqual({ max: 3, distribution: [[1, 3], [2, 1], [3, 1]] });
    expect(attemptsLine(summary)).toBe('1 attempt: 3 runs, 2 attempts: 1 run, 3 attempts: 1 run');
    expect(summarizeAttempts([])).toEqual({ max: 0, distribution: [] });
    expect(countBy(['succeeded', 'failed', 'succeeded'])).toBe('succeeded 2, failed 1');
  });

  const points = (over: Partial<IngestVerdict> = {}): IngestVerdict => ({ planned: 10, stored: 10, lost: 0, duplicated: 0, unexpected: 0, ok: true, ...over });
  const outcome = { launched: 2, statuses: ['succeeded', 'succeeded'], attempts: summarizeAttempts([1, 2]), points: points(), conflictingResends: 0, timedOut: false };

  it('passes when every run succeeded and every point is stored once, whatever the attempts', () => {
    expect(soakFailures(outcome)).toEqual([]);
  });

  it('names each reason to fail', () => {
    expect(soakFailures({ ...outcome, statuses: ['succeeded', 'failed'] })).toEqual(['1 of 2 runs did not succeed (succeeded 1, failed 1)']);
    expect(soakFailures({ ...outcome, statuses: ['succeeded', 'running (unfinished)'], timedOut: true })).toEqual(['timed out with 1 of 2 runs unfinished or not succeeded']);
    expect(soakFailures({ ...outcome, points: points({ stored: 8, lost: 2, duplicated: 1, unexpected: 1, ok: false }), conflictingResends: 4 })).toEqual([
      '2 metric point(s) sent but not stored',
      '1 metric point(s) stored more than once',
      '1 stored point(s) no trainer sent, or with another value',
      '4 re-sent point(s) carried another value than their first send',
    ]);
    expect(soakFailures({ ...outcome, points: points({ planned: 0, stored: 0 }) })).toEqual(['no metric point was sent']);
  });
});

describe('interleave', () => {
  it('spreads the second list evenly among the first, keeping each order', () => {
    expect(interleave(['a', 'b', 'c', 'd'], ['x', 'y'])).toEqual(['a', 'b', 'x', 'c', 'd', 'y']);
    expect(interleave(['a'], ['x', 'y'])).toEqual(['a', 'x', 'y']);
    expect(interleave([], ['x'])).toEqual(['x']);
    expect(interleave(['a', 'b'], [])).toEqual(['a', 'b']);
  });
});
