import type { Db } from '@ktlab/db';
import { chooseResolution, SUMMARY_LEVEL_BITS, SUMMARY_LEVELS } from './series-resolution';

export interface SeriesPoint {
  step: number;
  /** Mean of the bucket (the value itself when not downsampled). */
  value: number;
  min: number;
  max: number;
}

/**
 * A metric series reduced to at most `maxPoints` step buckets, each keeping its mean and its min/max band, so a
 * 1M-point series reaches the browser as a few thousand rows without hiding spikes. The buckets are built from
 * the summaries kept at ingest (see series-resolution.ts): a read touches at most ~16 × maxPoints rows, never
 * the whole series.
 */
export async function metricSeries(db: Db, runId: string, key: string, maxPoints: number) {
  const empty = { key, total: 0, downsampled: false, points: [] as SeriesPoint[] };
  // the top level's buckets span 2^20 steps: a handful of rows give the count and the step range
  const [stats] = await db.$queryRaw<{ id: number; n: bigint | null; first: number | null; last: number | null }[]>`
    SELECT s.id, sum(m.count) AS n, min(m."firstStep") AS first, max(m."lastStep") AS last
    FROM "MetricSeries" s LEFT JOIN "MetricSummary" m ON m."seriesId" = s.id AND m.level = ${SUMMARY_LEVELS}::int
    WHERE s."runId" = ${runId} AND s.key = ${key}
    GROUP BY s.id`;
  const total = Number(stats?.n ?? 0);
  if (!stats || total === 0 || stats.first === null || stats.last === null) return empty;
  if (total <= maxPoints) {
    const rows = await db.metricPoint.findMany({ where: { seriesId: stats.id }, orderBy: { step: 'asc' }, select: { step: true, value: true } });
    return { key, total, downsampled: false, points: rows.map((r) => ({ step: r.step, value: r.value, min: r.value, max: r.value })) };
  }
  const { level, width } = chooseResolution(stats.first, stats.last, maxPoints);
  const rows =
    level === 0
      ? await db.$queryRaw<{ step: number; value: number; min: number; max: number }[]>`
          SELECT min(step) AS step, avg(value) AS value, min(value) AS min, max(value) AS max
          FROM "MetricPoint" WHERE "seriesId" = ${stats.id}
          GROUP BY step / ${width}::int ORDER BY 1`
      : await db.$queryRaw<{ step: number; value: number; min: number; max: number }[]>`
          SELECT min("firstStep") AS step, sum(sum) / sum(count) AS value, min(min) AS min, max(max) AS max
          FROM "MetricSummary" WHERE "seriesId" = ${stats.id} AND level = ${level}::int
          GROUP BY bucket / ${width / 2 ** (SUMMARY_LEVEL_BITS * level)}::int ORDER BY 1`;
  return { key, total, downsampled: true, points: rows.map((r) => ({ step: Number(r.step), value: Number(r.value), min: Number(r.min), max: Number(r.max) })) };
}
