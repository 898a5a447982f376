import type { Db } from '@ktlab/db';
import type { MetricColumns } from '../routers/worker/log-metrics.schema';
import { SUMMARY_LEVEL_BITS, SUMMARY_LEVELS } from './series-resolution';

interface SeriesHead {
  id: number;
  /** The series' last stored step; null when it has none. */
  lastStep: number | null;
}

/**
 * The series of a run's keys with their last stored step, creating the missing series. One statement in the
 * common case: the new ones come back from the INSERT, the existing ones from the SELECT. A series created by a
 * concurrent batch after this statement's snapshot is in neither, so the lookup is repeated for what is missing.
 */
async function seriesHeads(db: Db, runId: string, keys: string[]): Promise<Map<string, SeriesHead>> {
  const heads = new Map<string, SeriesHead>();
  for (let attempt = 1; heads.size < keys.length; attempt++) {
    const missing = keys.filter((key) => !heads.has(key));
    const rows = await db.$queryRaw<{ id: number; key: string; last: number | null }[]>`
      WITH created AS (
        INSERT INTO "MetricSeries" ("runId", key) SELECT ${runId}, key FROM unnest(${missing}::text[]) AS k(key)
        ON CONFLICT ("runId", key) DO NOTHING
        RETURNING id, key)
      SELECT id, key, NULL::int AS last FROM created
      UNION ALL
      SELECT s.id, s.key, (SELECT max(p.step) FROM "MetricPoint" p WHERE p."seriesId" = s.id) AS last
      FROM "MetricSeries" s WHERE s."runId" = ${runId} AND s.key = ANY(${missing}::text[])`;
    for (const row of rows) heads.set(row.key, { id: row.id, lastStep: row.last === null ? null : Number(row.last) });
    if (attempt === 3 && heads.size < keys.length) throw new Error(`metric series of run ${runId} could not be created: ${keys.filter((k) => !heads.has(k)).join(', ')}`);
  }
  return heads;
}

/** Steps strictly increasing and all after the series' last stored one: the points cannot be stored already. */
function appendsOnly(steps: readonly number[], lastStep: number | null): boolean {
  let previous = lastStep ?? -1;
  for (const step of steps) {
    if (step <= previous) return false;
    previous = step;
  }
  return true;
}

/** Columns of points as PostgreSQL array literals ('{1,2,NaN}'), one text parameter each. */
interface PointArrays {
  series: string;
  steps: string;
  values: string;
  wallTimes: string;
}

function pointArrays(parts: readonly { id: number; columns: MetricColumns }[]): PointArrays {
  // Prisma's query compiler handles a parameter per call, not per element, which at 5,000 points a batch
  // costs more than the insert. String(NaN / ±Infinity) is 'NaN' / 'Infinity' / '-Infinity', read back as sent.
  const literal = (items: readonly number[]) => `{${items.join(',')}}`;
  return {
    series: literal(parts.flatMap(({ id, columns }) => new Array<number>(columns.steps.length).fill(id))),
    steps: literal(parts.flatMap(({ columns }) => columns.steps)),
    values: literal(parts.flatMap(({ columns }) => columns.values)),
    wallTimes: literal(parts.flatMap(({ columns }) => columns.wallTimes)),
  };
}

/** The points' primary key refused a row (Prisma wraps PostgreSQL's 23505 from the driver adapter). */
function isPointKeyViolation(error: unknown): boolean {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; originalMessage?: string } } } }).meta?.driverAdapterError?.cause;
  return cause?.originalCode === '23505' && (cause.originalMessage ?? '').includes('"MetricPoint_pkey"');
}

/**
 * Stores a batch of points; returns how many were new. Idempotent: a point is keyed by (series, step), so a
 * batch re-sent after a lost response inserts only what is missing, and only the inserted points are added to
 * the series' summaries (per 16^level-step bucket, levels 1…5), in the same statement.
 *
 * One statement, set-based (INSERT … SELECT FROM unnest(…)). The points of a series that only appends (steps
 * increasing, after its last stored step: a trainer's usual batch) are inserted plainly; the others with
 * ON CONFLICT DO NOTHING, whose speculative insertion costs a fifth to a third more per row. Should a concurrent
 * batch store one of the "appended" points first, the primary key refuses the statement as a whole and it is
 * repeated with every point checked. Summary rows are upserted in key order, so concurrent batches of one
 * series cannot deadlock.
 */
export async function insertMetricPoints(db: Db, runId: string, batch: readonly MetricColumns[]): Promise<number> {
  const heads = await seriesHeads(
    db,
    runId,
    batch.map((columns) => columns.key),
  );
  const parts = batch.map((columns) => {
    const head = heads.get(columns.key);
    if (!head) throw new Error(`no series for metric key ${columns.key}`);
    return { id: head.id, columns, appends: appendsOnly(columns.steps, head.lastStep) };
  });
  try {
    return await insertPoints(db, pointArrays(parts.filter((p) => p.appends)), pointArrays(parts.filter((p) => !p.appends)));
  } catch (error) {
    if (!isPointKeyViolation(error)) throw error;
    return insertPoints(db, pointArrays([]), pointArrays(parts));
  }
}

async function insertPoints(db: Db, appended: PointArrays, checked: PointArrays): Promise<number> {
  const [row] = await db.$queryRaw<{ inserted: number }[]>`
    WITH appended AS (
      INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime")
      SELECT s, st, v, to_timestamp(t / 1000.0) AT TIME ZONE 'UTC'
      FROM unnest(${appended.series}::text::int[], ${appended.steps}::text::int[], ${appended.values}::text::float8[], ${appended.wallTimes}::text::float8[]) AS u(s, st, v, t)
      RETURNING "seriesId", step, value),
    checked AS (
      INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime")
      SELECT s, st, v, to_timestamp(t / 1000.0) AT TIME ZONE 'UTC'
      FROM unnest(${checked.series}::text::int[], ${checked.steps}::text::int[], ${checked.values}::text::float8[], ${checked.wallTimes}::text::float8[]) AS u(s, st, v, t)
      ON CONFLICT ("seriesId", step) DO NOTHING
      RETURNING "seriesId", step, value),
    inserted AS (SELECT * FROM appended UNION ALL SELECT * FROM checked),
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

