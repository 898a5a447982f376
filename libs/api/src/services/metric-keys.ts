import type { Db } from '@ktlab/db';

export interface MetricKeySummary {
  key: string;
  /** 1 or 2: whether the run logged the key once or more than once (counting stops at 2). */
  points: number;
  /** The value at the last step. */
  last: number;
}

/**
 * A run's metric keys, each with whether it holds one point or more and its last value. A loose index scan
 * finds the keys (one index probe per distinct key, where DISTINCT would read every point of the run); per key,
 * counting stops at the second point, so a 1M-point series costs as little as a single value.
 */
export async function metricKeySummaries(db: Db, runId: string): Promise<MetricKeySummary[]> {
  return db.$queryRaw<MetricKeySummary[]>`
    WITH RECURSIVE keys AS (
      (SELECT key FROM "MetricPoint" WHERE "runId" = ${runId} ORDER BY key LIMIT 1)
      UNION ALL
      SELECT (SELECT m.key FROM "MetricPoint" m WHERE m."runId" = ${runId} AND m.key > keys.key ORDER BY m.key LIMIT 1)
      FROM keys WHERE keys.key IS NOT NULL
    )
    SELECT k.key,
      (SELECT count(*)::int FROM (SELECT 1 FROM "MetricPoint" m WHERE m."runId" = ${runId} AND m.key = k.key LIMIT 2) two) AS points,
      (SELECT m.value FROM "MetricPoint" m WHERE m."runId" = ${runId} AND m.key = k.key ORDER BY m.step DESC LIMIT 1) AS last
    FROM keys k WHERE k.key IS NOT NULL`;
}
