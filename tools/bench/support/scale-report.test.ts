import { describe, expect, it } from 'vitest';
import { fmt, markdownTable, shardKey, shardStats, unionLength, type ShardTiming } from './scale-report';

const task = (shard: number, worker: string, createdAt: number, startedAt: number, finishedAt: number, iteration = 1): ShardTiming => ({
  kind: 'kmeans-map',
  iteration,
  shard,
  worker,
  createdAt,
  startedAt,
  finishedAt,
});

describe('shardStats', () => {
  it('summarises span, per-worker counts, queue wait, held time and overhead against the measured compute', () => {
    const rows = [task(0, 'a', 1000, 1010, 1110), task(1, 'b', 1000, 1050, 1250), task(2, 'a', 1000, 1120, 1420)];
    const compute = new Map([
      [shardKey('kmeans-map', 1, 0), 40],
      [shardKey('kmeans-map', 1, 1), 50],
      [shardKey('kmeans-map', 1, 2), 100],
    ]);
    const stats = shardStats(rows, compute);
    expect(stats.tasks).toBe(3);
    expect(stats.spanMs).toBe(420);
    expect(stats.perWorker).toEqual({ a: 2, b: 1 });
    expect(stats.medianQueueMs).toBe(50); // 10, 50, 120
    expect(stats.medianHeldMs).toBe(200); // 100, 200, 300
    expect(stats.medianComputeMs).toBe(50);
    expect(stats.medianOverheadMs).toBe(150); // 60, 150, 200
    expect(stats.overheadShare).toBeCloseTo(410 / 600, 12);
    expect(stats.unheldMs).toBe(420 - (1420 - 1010)); // held [1010,1110] ∪ [1050,1250] ∪ [1120,1420]
  });

  it('leaves compute and overhead undefined (NaN) for shards with no in-process measurement', () => {
    const stats = shardStats([task(0, 'a', 0, 5, 25, 2)], new Map([[shardKey('kmeans-map', 1, 0), 3]]));
    expect(stats.medianHeldMs).toBe(20);
    expect(stats.medianComputeMs).toBeNaN();
    expect(stats.medianOverheadMs).toBeNaN();
    expect(stats.overheadShare).toBeNaN();
  });

  it('refuses an empty set of tasks', () => {
    expect(() => shardStats([], new Map())).toThrow(/no shard tasks/);
  });
});

describe('unionLength', () => {
  it('counts overlapping intervals once and gaps not at all', () => {
    expect(unionLength([[0, 10], [5, 12], [20, 25], [21, 22]])).toBe(17);
    expect(unionLength([[3, 3]])).toBe(0);
    expect(unionLength([])).toBe(0);
  });
});

describe('fmt and markdownTable', () => {
  it('prints n/a for values that are not finite', () => {
    expect(fmt(1.23456, 2)).toBe('1.23');
    expect(fmt(Number.NaN)).toBe('n/a');
    expect(fmt(Infinity)).toBe('n/a');
  });

  it('renders a header, a separator and the rows, and rejects a row of the wrong width', () => {
    expect(markdownTable(['a', 'b'], [[1, 'x']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
    expect(() => markdownTable(['a', 'b'], [[1]])).toThrow(/1 cells, the header 2/);
  });
});
