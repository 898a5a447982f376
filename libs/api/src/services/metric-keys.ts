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
  const rows = await db.$queryRaw<(MetricKeySummary & { runId: string })[]>`
    SELECT s."runId", s.key,
      (SELECT count(*)::int FROM (SELECT 1 FROM "MetricPoint" p WHERE p."seriesId" = s.id LIMIT 2) two) AS points,
      (SELECT p.value FROM "MetricPoint" p WHERE p."seriesId" = s.id ORDER BY p.step DESC LIMIT 1) AS last
    FROM "MetricSeries" s
    WHERE s."runId" = ANY(${[...runIds]}::text[]) AND EXISTS (SELECT 1 FROM "MetricPoint" p WHERE p."seriesId" = s.id)
    ORDER BY s.key`;
  return runIds.map((runId) => rows.filter((row) => row.runId === runId).map(({ key, points, last }) => ({ key, points, last })));
}
