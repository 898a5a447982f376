import { describe, expect, it } from 'vitest';
import { batchPoints, ingestVerdict, percentile, planIngest, plannedPoint, summarize, verdictLine } from './ingest-plan';

describe('planIngest', () => {
  it('covers every point of every worker exactly once, in batches of at most the batch size', () => {
    const plan = planIngest({ totalPoints: 10_003, workers: 4, batchSize: 1_000, keys: 3, resendEvery: 2 });
    expect(plan.quotas).toEqual([2501, 2501, 2501, 2500]);
    expect(plan.quotas.reduce((a, b) => a + b, 0)).toBe(10_003);
    plan.batches.forEach((own, w) => {
      const seen = new Set<string>();
      for (const batch of own) {
        expect(batch.count).toBeGreaterThan(0);
        expect(batch.count).toBeLessThanOrEqual(1_000);
        for (const p of batchPoints(plan.keys, batch)) seen.add(`${p.key}@${p.step}`);
      }
      expect(seen.size).toBe(plan.quotas[w]);
      expect(own.map((b) => [b.first, b.resend])).toEqual([[0, true], [1_000, false], [2_000, true]]);
    });
  });

  it('re-sends no batch with interval 0 and every batch with interval 1', () => {
    const none = planIngest({ totalPoints: 100, workers: 2, batchSize: 10, keys: 1, resendEvery: 0 });
    expect(none.batches.flat().some((b) => b.resend)).toBe(false);
    const all = planIngest({ totalPoints: 100, workers: 2, batchSize: 10, keys: 1, resendEvery: 1 });
    expect(all.batches.flat().every((b) => b.resend)).toBe(true);
  });

  it('refuses impossible sizes with a message naming the option', () => {
    expect(() => planIngest({ totalPoints: 0, workers: 1, batchSize: 1, keys: 1, resendEvery: 0 })).toThrow(/ingest points/);
    expect(() => planIngest({ totalPoints: 10, workers: 2, batchSize: 2.5, keys: 1, resendEvery: 0 })).toThrow(/batch size/);
    expect(() => planIngest({ totalPoints: 3, workers: 4, batchSize: 1, keys: 1, resendEvery: 0 })).toThrow(/4 workers/);
    expect(() => planIngest({ totalPoints: 10, workers: 1, batchSize: 1, keys: 1, resendEvery: -1 })).toThrow(/resend/);
  });
});

describe('plannedPoint', () => {
  it('interleaves keys and gives distinct (key, step) pairs with the index in the value', () => {
    expect([0, 1, 2, 3, 4].map((i) => plannedPoint(2, i))).toEqual([
      { key: 'ingest/m0', step: 0, value: 0.5 },
      { key: 'ingest/m1', step: 0, value: 1.5 },
      { key: 'ingest/m0', step: 1, value: 2.5 },
      { key: 'ingest/m1', step: 1, value: 3.5 },
      { key: 'ingest/m0', step: 2, value: 4.5 },
    ]);
  });
});

describe('latency stats', () => {
  it('takes nearest-rank percentiles regardless of sample order', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(summarize(samples)).toEqual({ n: 100, p50: 50, p95: 95 });
    expect(percentile([7], 95)).toBe(7);
    expect(summarize([])).toEqual({ n: 0, p50: Number.NaN, p95: Number.NaN });
    expect(() => percentile([], 50)).toThrow(/no samples/);
  });
});

describe('ingestVerdict', () => {
  it('is ok only when every planned point is stored once and nothing else', () => {
    const ok = ingestVerdict(1000, { rows: 1000, distinct: 1000, matching: 1000 });
    expect(ok.ok).toBe(true);
    expect(verdictLine(ok)).toBe('points stored: 1000 of 1000 (0 lost, 0 duplicated)');
    const lost = ingestVerdict(1000, { rows: 990, distinct: 990, matching: 990 });
    expect(lost).toMatchObject({ ok: false, lost: 10, duplicated: 0 });
    expect(ingestVerdict(1000, { rows: 1003, distinct: 1000, matching: 1000 })).toMatchObject({ ok: false, duplicated: 3 });
    const wrong = ingestVerdict(1000, { rows: 1000, distinct: 1000, matching: 998 });
    expect(wrong).toMatchObject({ ok: false, lost: 2, unexpected: 2 });
    expect(verdictLine(wrong)).toBe('points stored: 998 of 1000 (2 lost, 0 duplicated, 2 unexpected)');
  });
});
