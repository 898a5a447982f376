import type { Db } from '@ktlab/db';
import type { MetricColumns } from '../routers/worker/log-metrics.schema';
import { SUMMARY_LEVEL_BITS, SUMMARY_LEVELS } from './series-resolution';

/**
 * The series ids of a run's keys, creating the missing series. One statement in the common case: the new ones
 * come back from the INSERT, the existing ones from the SELECT. A series created by a concurrent batch after
 * this statement's snapshot is in neither, so the lookup is repeated for what is still missing.
 */
async function seriesIds(db: Db, runId: string, keys: string[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (let attempt = 1; ids.size < keys.length; attempt++) {
    const missing = keys.filter((key) => !ids.has(key));
    const rows = await db.$queryRaw<{ id: number; key: string }[]>`
      WITH created AS (
        INSERT INTO "MetricSeries" ("runId", key) SELECT ${runId}, key FROM unnest(${missing}::text[]) AS k(key)
        ON CONFLICT ("runId", key) DO NOTHING
        RETURNING id, key)
      SELECT id, key FROM created
      UNION ALL
      SELECT id, key FROM "MetricSeries" WHERE "runId" = ${runId} AND key = ANY(${missing}::text[])`;
    for (const row of rows) ids.set(row.key, row.id);
    if (attempt === 3 && ids.size < keys.length) throw new Error(`metric series of run ${runId} could not be created: ${keys.filter((k) => !ids.has(k)).join(', ')}`);
  }
  return ids;
}

/**
 * Stores a batch of points; returns how many were new. Idempotent: a point is keyed by (series, step), so a
 * batch re-sent after a lost response inserts only what is missing, and only the inserted points are added to
 * the series' summaries (per 16^level-step bucket, levels 1…5), in the same statement. One set-based INSERT …
 * SELECT FROM unnest(…) for the whole batch; the columns travel as array literals (text), which also carries the
 * NaN / ±Infinity a diverging run produces past Prisma's parameter validation. Summary rows are upserted in key order, so concurrent
 * batches of one series cannot deadlock.
 */
export async function insertMetricPoints(db: Db, runId: string, batch: readonly MetricColumns[]): Promise<number> {
  const ids = await seriesIds(
    db,
    runId,
    batch.map((columns) => columns.key),
  );
  // Each column travels as one PostgreSQL array literal ('{1,2,NaN}'): Prisma's query compiler handles a
  // parameter per call, not per element, which at 5,000 points a batch costs more than the insert.
  const literal = (items: readonly number[]) => `{${items.join(',')}}`;
  const idOf = (key: string) => {
    const id = ids.get(key);
    if (id === undefined) throw new Error(`no series id for metric key ${key}`);
    return id;
  };
  const series = literal(batch.flatMap((columns) => new Array<number>(columns.steps.length).fill(idOf(columns.key))));
  const steps = literal(batch.flatMap((columns) => columns.steps));
  // String(NaN / ±Infinity) is 'NaN' / 'Infinity' / '-Infinity', which float8 reads back as sent
  const values = literal(batch.flatMap((columns) => columns.values));
  const wallTimes = literal(batch.flatMap((columns) => columns.wallTimes));
  const [row] = await db.$queryRaw<{ inserted: number }[]>`
    WITH inserted AS (
      INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime")
      SELECT s, st, v, to_timestamp(t / 1000.0) AT TIME ZONE 'UTC'
      FROM unnest(${series}::text::int[], ${steps}::text::int[], ${values}::text::float8[], ${wallTimes}::text::float8[]) AS u(s, st, v, t)
      ON CONFLICT ("seriesId", step) DO NOTHING
      RETURNING "seriesId", step, value),
    level1 AS (
      SELECT "seriesId", step >> ${SUMMARY_LEVEL_BITS}::int AS bucket, count(*)::int AS n, sum(value) AS total,
             min(value) AS lo, max(value) AS hi, min(step) AS first, max(step) AS last
      FROM inserted GROUP BY 1, 2),
    buckets AS (
      SELECT "seriesId", 1 AS level, bucket, n, total, lo, hi, first, last FROM level1
      UNION ALL
      SELECT "seriesId", l.level, bucket >> (${SUMMARY_LEVEL_BITS}::int * (l.level - 1)), sum(n)::int, sum(total), min(lo), max(hi), min(first), max(last)
      FROM level1 CROSS JOIN generate_series(2, ${SUMMARY_LEVELS}::int) AS l(level)
      GROUP BY 1, 2, 3),
    summarized AS (
      INSERT INTO "MetricSummary" AS m ("seriesId", level, bucket, count, sum, min, max, "firstStep", "lastStep")
      SELECT * FROM buckets ORDER BY 1, 2, 3
      ON CONFLICT ("seriesId", level, bucket) DO UPDATE SET
        count = m.count + excluded.count, sum = m.sum + excluded.sum,
        min = least(m.min, excluded.min), max = greatest(m.max, excluded.max),
        "firstStep" = least(m."firstStep", excluded."firstStep"), "lastStep" = greatest(m."lastStep", excluded."lastStep"))
    SELECT count(*)::int AS inserted FROM inserted`;
  return row.inserted;
}

/** A run's metric keys that have points, sorted. */
export async function metricKeys(db: Db, runIds: readonly string[]): Promise<{ runId: string; key: string }[]> {
  return db.$queryRaw<{ runId: string; key: string }[]>`
    SELECT s."runId", s.key FROM "MetricSeries" s
    WHERE s."runId" = ANY(${[...runIds]}::text[]) AND EXISTS (SELECT 1 FROM "MetricPoint" p WHERE p."seriesId" = s.id)
    ORDER BY s."runId", s.key`;
}

/** The last step stored of each of a run's keys (a re-claimed run skips what the portal already has). */
export async function lastMetricSteps(db: Db, runId: string): Promise<Record<string, number>> {
  const rows = await db.$queryRaw<{ key: string; step: number }[]>`
    SELECT s.key, last.step FROM "MetricSeries" s
    CROSS JOIN LATERAL (SELECT max(p.step) AS step FROM "MetricPoint" p WHERE p."seriesId" = s.id) last
    WHERE s."runId" = ${runId} AND last.step IS NOT NULL`;
  return Object.fromEntries(rows.map((row) => [row.key, Number(row.step)]));
}

export interface StoredMetricPoint {
  runId: string;
  key: string;
  step: number;
  value: number;
  wallTime: Date;
}

/** The stored points of runs (optionally of one key), by run, key and step: for tests and checks. */
export async function storedMetricPoints(db: Db, where: { runIds: readonly string[]; key?: string }): Promise<StoredMetricPoint[]> {
  const rows = await db.$queryRaw<StoredMetricPoint[]>`
    SELECT s."runId", s.key, p.step, p.value, p."wallTime"
    FROM "MetricSeries" s JOIN "MetricPoint" p ON p."seriesId" = s.id
    WHERE s."runId" = ANY(${[...where.runIds]}::text[]) AND (${where.key ?? null}::text IS NULL OR s.key = ${where.key ?? null}::text)
    ORDER BY s."runId", s.key, p.step`;
  return rows.map((row) => ({ ...row, step: Number(row.step), value: Number(row.value) }));
}

