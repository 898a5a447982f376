import type { Db } from '@ktlab/db';

export interface MetricKeySummary {
  key: string;
  /** 1 or 2: whether the run logged the key once or more than once (counting stops at 2). */
  points: number;
  /** The value at the last step. */
  last: number;
}

/**
 * A run's metric keys that hold points, sorted, each with whether it holds one point or more and its last value.
 * Per series, counting stops at the second point and the last value is one index probe, so a 1M-point series
 * costs as little as a single value.
 */
export async function metricKeySummaries(db: Db, runId: string): Promise<MetricKeySummary[]> {
  return (await metricKeySummariesOfRuns(db, [runId]))[0];
}

/** metricKeySummaries of several runs in one query, in the order of `runIds` (a run without metrics: []). */
export async function metricKeySummariesOfRuns(db: Db, runIds: readonly string[]): Promise<MetricKeySummary[][]> {
  // Both probes walk the (seriesId, step) index in step order, so they stop after 2 and 1 rows whatever the
  // planner's statistics say (unordered, `LIMIT 2` was planned as a sequential scan when the statistics were
  // stale after a bulk load, reading the whole table per series).
  const rows = await db.$queryRaw<(MetricKeySummary & { runId: string })[]>`
    SELECT "runId", key, points, last FROM (
      SELECT s."runId", s.key,
        (SELECT count(*)::int FROM (SELECT 1 FROM "MetricPoint" p WHERE p."seriesId" = s.id ORDER BY p.step LIMIT 2) two) AS points,
        (SELECT p.value FROM "MetricPoint" p WHERE p."seriesId" = s.id ORDER BY p.step DESC LIMIT 1) AS last
      FROM "MetricSeries" s
      WHERE s."runId" = ANY(${[...runIds]}::text[])
    ) k
    WHERE points > 0
    ORDER BY key`;
  return runIds.map((runId) => rows.filter((row) => row.runId === runId).map(({ key, points, last }) => ({ key, points, last })));
}
