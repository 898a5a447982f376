import { Prisma, type Db } from '@ktlab/db';
import { chooseResolution, SUMMARY_LEVEL_BITS, SUMMARY_LEVELS } from './series-resolution';

export interface SeriesPoint {
  step: number;
  /** Mean of the bucket (the value itself when not downsampled). */
  value: number;
  min: number;
  max: number;
}

/** One series, bucket by bucket in columns (index i of each column is bucket i), in step order. */
export interface SeriesColumns {
  runId: string;
  key: string;
  /** Points the series holds. */
  total: number;
  /** Whether the buckets group several points (false: one bucket per point, the points themselves). */
  downsampled: boolean;
  /** Each bucket's first step. */
  steps: number[];
  /** Each bucket's mean. */
  values: number[];
  /** Each bucket's min and max: only when asked for (`bands`). */
  min?: number[];
  max?: number[];
}

interface SeriesStats {
  id: number;
  runId: string;
  key: string;
  n: bigint | null;
  first: number | null;
  last: number | null;
}

interface BucketColumns {
  i: number;
  steps: number[] | null;
  values: number[] | null;
  min: number[] | null;
  max: number[] | null;
}

/**
 * Series reduced to at most `maxPoints` step buckets each, with every bucket's mean (and, with `bands`, its min/max
 * band, so a 1M-point series reaches the browser as a few thousand buckets without hiding spikes), for any number
 * of (run, key) pairs in two queries whatever their number: one reads every series' point count and step range
 * from the top summary level, one aggregates every series' buckets. The buckets are built from the summaries kept
 * at ingest (see series-resolution.ts), so a series costs at most ~16 × maxPoints rows, never its whole length;
 * a series of at most `maxPoints` points comes back whole. A pair without points comes back empty; results are
 * in the order asked.
 */
export async function downsampledSeries(
  db: Db,
  wanted: readonly { runId: string; key: string }[],
  maxPoints: number,
  options: { bands?: boolean } = {},
): Promise<SeriesColumns[]> {
  const bands = options.bands ?? false;
  const empty = ({ runId, key }: { runId: string; key: string }): SeriesColumns => ({ runId, key, total: 0, downsampled: false, steps: [], values: [], ...(bands ? { min: [], max: [] } : {}) });
  if (wanted.length === 0) return [];
  // The top level's buckets span 2^20 steps: a handful of rows per series give its count and step range.
  const stats = await db.$queryRaw<SeriesStats[]>`
    SELECT s.id, s."runId", s.key, sum(m.count) AS n, min(m."firstStep") AS first, max(m."lastStep") AS last
    FROM unnest(${wanted.map((w) => w.runId)}::text[], ${wanted.map((w) => w.key)}::text[]) AS w("runId", key)
    JOIN "MetricSeries" s ON s."runId" = w."runId" AND s.key = w.key
    LEFT JOIN "MetricSummary" m ON m."seriesId" = s.id AND m.level = ${SUMMARY_LEVELS}::int
    GROUP BY s.id`;
  const byPair = new Map(stats.map((row) => [`${row.runId}\u0000${row.key}`, row]));
  // What each non-empty series reads: the summaries of `level` (0: the points) grouped by `bucket / div`.
  // (At most maxPoints points: level 0 grouped by single steps, i.e. the points themselves.)
  const reads: { index: number; seriesId: number; total: number; downsampled: boolean; level: number; div: number }[] = [];
  wanted.forEach(({ runId, key }, index) => {
    const row = byPair.get(`${runId}\u0000${key}`);
    const total = Number(row?.n ?? 0);
    if (!row || total === 0 || row.first === null || row.last === null) return;
    if (total <= maxPoints) {
      reads.push({ index, seriesId: row.id, total, downsampled: false, level: 0, div: 1 });
      return;
    }
    const { level, width } = chooseResolution(row.first, row.last, maxPoints);
    reads.push({ index, seriesId: row.id, total, downsampled: true, level, div: width / 2 ** (SUMMARY_LEVEL_BITS * level) });
  });
  const results = wanted.map(empty);
  if (reads.length === 0) return results;
  // Per series (LATERAL: each an index range scan of its own rows), its buckets aggregated into arrays in step
  // order: one row per series, so the driver parses a few arrays instead of thousands of rows.
  const bandColumns = bands
    ? Prisma.sql`, array_agg(b.min ORDER BY b.step) AS min, array_agg(b.max ORDER BY b.step) AS max`
    : Prisma.sql`, NULL::float8[] AS min, NULL::float8[] AS max`;
  const rows = await db.$queryRaw<BucketColumns[]>`
    SELECT r.i::int AS i, c.*
    FROM unnest(${reads.map((r) => r.index)}::int[], ${reads.map((r) => r.seriesId)}::int[], ${reads.map((r) => r.level)}::int[], ${reads.map((r) => r.div)}::int[])
      AS r(i, "seriesId", level, div)
    CROSS JOIN LATERAL (
      SELECT array_agg(b.step ORDER BY b.step) AS steps, array_agg(b.value ORDER BY b.step) AS "values" ${bandColumns}
      FROM (
        SELECT min(m."firstStep") AS step, sum(m.sum) / sum(m.count) AS value, min(m.min) AS min, max(m.max) AS max
        FROM "MetricSummary" m
        WHERE r.level > 0 AND m."seriesId" = r."seriesId" AND m.level = r.level
        GROUP BY m.bucket / r.div
        UNION ALL
        SELECT min(p.step), avg(p.value), min(p.value), max(p.value)
        FROM "MetricPoint" p
        WHERE r.level = 0 AND p."seriesId" = r."seriesId"
        GROUP BY p.step / r.div
      ) b
    ) c`;
  const rowOf = new Map(rows.map((row) => [row.i, row]));
  for (const read of reads) {
    const row = rowOf.get(read.index);
    results[read.index] = {
      ...results[read.index],
      total: read.total,
      downsampled: read.downsampled,
      steps: (row?.steps ?? []).map(Number),
      values: (row?.values ?? []).map(Number),
      ...(bands ? { min: (row?.min ?? []).map(Number), max: (row?.max ?? []).map(Number) } : {}),
    };
  }
  return results;
}

/**
 * One series reduced to at most `maxPoints` step buckets, each keeping its mean and its min/max band (see
 * downsampledSeries), as points.
 */
export async function metricSeries(db: Db, runId: string, key: string, maxPoints: number) {
  const [{ total, downsampled, steps, values, min = [], max = [] }] = await downsampledSeries(db, [{ runId, key }], maxPoints, { bands: true });
  const points: SeriesPoint[] = steps.map((step, i) => ({ step, value: values[i], min: min[i], max: max[i] }));
  return { key, total, downsampled, points };
}
