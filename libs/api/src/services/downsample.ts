import type { Db } from '@ktlab/db';

export interface SeriesPoint {
  step: number;
  /** Mean of the bucket (the value itself when not downsampled). */
  value: number;
  min: number;
  max: number;
}

/**
 * A metric series reduced in Postgres to at most `maxPoints` step buckets, each keeping its mean and its
 * min/max band, so a 1M-point series reaches the browser as a few thousand rows without hiding spikes.
 */
export async function metricSeries(db: Db, runId: string, key: string, maxPoints: number) {
  const [stats] = await db.$queryRaw<{ n: bigint; lo: number | null; hi: number | null }[]>`
    SELECT count(*) AS n, min(step) AS lo, max(step) AS hi FROM "MetricPoint" WHERE "runId" = ${runId} AND key = ${key}`;
  const total = Number(stats?.n ?? 0);
  if (total === 0 || stats.lo === null || stats.hi === null) return { key, total: 0, downsampled: false, points: [] as SeriesPoint[] };
  if (total <= maxPoints) {
    const rows = await db.metricPoint.findMany({
      where: { runId, key },
      orderBy: { step: 'asc' },
      select: { step: true, value: true },
    });
    return { key, total, downsampled: false, points: rows.map((r) => ({ step: r.step, value: r.value, min: r.value, max: r.value })) };
  }
  const rows = await db.$queryRaw<{ step: number; value: number; min: number; max: number }[]>`
    SELECT min(step) AS step, avg(value) AS value, min(value) AS min, max(value) AS max
    FROM "MetricPoint"
    WHERE "runId" = ${runId} AND key = ${key}
    GROUP BY width_bucket(step, ${stats.lo}::int, ${stats.hi + 1}::int, ${maxPoints}::int)
    ORDER BY 1`;
  return { key, total, downsampled: true, points: rows.map((r) => ({ step: Number(r.step), value: Number(r.value), min: Number(r.min), max: Number(r.max) })) };
}
