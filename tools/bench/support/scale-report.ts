import { median } from './statistics';

/**
 * Pure helpers of `npm run bench -- scale`: per-shard timings (from the ShardTask rows' createdAt / startedAt /
 * finishedAt) turned into the numbers the report prints, and the markdown tables it prints them in.
 */

/** One executed shard task, times in epoch milliseconds (the database's clock). */
export interface ShardTiming {
  kind: string;
  iteration: number;
  shard: number;
  worker: string;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
}

/** Key of a shard task: the same (kind, iteration, shard) in the queue and in the in-process measurement. */
export const shardKey = (kind: string, iteration: number, shard: number): string => `${kind}:${iteration}:${shard}`;

export interface ShardStats {
  tasks: number;
  /** First task enqueued → last task finished. */
  spanMs: number;
  /** Shard tasks executed by each worker name. */
  perWorker: Record<string, number>;
  /** Enqueued → claimed (waiting for a free worker, plus the claim itself). */
  medianQueueMs: number;
  /** Claimed → finished: downloads, compute, upload, the finish call. */
  medianHeldMs: number;
  /** The same shard computed in one process with no queue (NaN where none was measured). */
  medianComputeMs: number;
  /** Held − compute per shard: the bookkeeping a shard carries while a worker holds it. */
  medianOverheadMs: number;
  /** Σ overhead / Σ held over the shards that have a compute measurement. */
  overheadShare: number;
  /**
   * Time within the span when no worker held a shard: between steps (the reduce, putting the next centroids,
   * checkpoints) and claim latency (polling).
   */
  unheldMs: number;
}

/** Total length of the union of [start, end] intervals. */
export function unionLength(intervals: ReadonlyArray<readonly [number, number]>): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [start, end] = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const [s, e] of sorted) {
    if (s > end) {
      if (end > start) total += end - start;
      [start, end] = [s, e];
    } else end = Math.max(end, e);
  }
  if (end > start) total += end - start;
  return total;
}

export function shardStats(rows: readonly ShardTiming[], computeMs: ReadonlyMap<string, number>): ShardStats {
  if (rows.length === 0) throw new Error('shardStats: no shard tasks to summarise');
  const perWorker: Record<string, number> = {};
  for (const row of rows) perWorker[row.worker] = (perWorker[row.worker] ?? 0) + 1;
  const held = rows.map((row) => row.finishedAt - row.startedAt);
  const measured = rows.flatMap((row) => {
    const compute = computeMs.get(shardKey(row.kind, row.iteration, row.shard));
    return compute === undefined ? [] : [{ held: row.finishedAt - row.startedAt, compute }];
  });
  const heldMeasured = measured.reduce((sum, m) => sum + m.held, 0);
  const spanMs = Math.max(...rows.map((row) => row.finishedAt)) - Math.min(...rows.map((row) => row.createdAt));
  return {
    tasks: rows.length,
    spanMs,
    unheldMs: spanMs - unionLength(rows.map((row) => [row.startedAt, row.finishedAt] as const)),
    perWorker,
    medianQueueMs: median(rows.map((row) => row.startedAt - row.createdAt)),
    medianHeldMs: median(held),
    medianComputeMs: median(measured.map((m) => m.compute)),
    medianOverheadMs: median(measured.map((m) => m.held - m.compute)),
    overheadShare: heldMeasured > 0 ? measured.reduce((sum, m) => sum + (m.held - m.compute), 0) / heldMeasured : Number.NaN,
  };
}

/** `12.3` with the given digits, `n/a` for NaN / infinities. */
export function fmt(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function markdownTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  for (const row of rows) if (row.length !== header.length) throw new Error(`table row has ${row.length} cells, the header ${header.length}`);
  const line = (cells: ReadonlyArray<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
