import { type Db, pgPool } from '@ktlab/db/client';
import type pg from 'pg';
import { CHANNEL, eventPayload } from '../events/event-hub';
import type { MetricColumnsLike } from '../routers/worker/metric-batch';
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
async function seriesHeads(pool: pg.Pool, runId: string, keys: string[]): Promise<Map<string, SeriesHead>> {
  const heads = new Map<string, SeriesHead>();
  for (let attempt = 1; heads.size < keys.length; attempt++) {
    const missing = keys.filter((key) => !heads.has(key));
    const { rows } = await pool.query<{ id: number; key: string; last: number | null }>({
      name: 'ktlab-metric-series-heads',
      text: `
        WITH created AS (
          INSERT INTO "MetricSeries" ("runId", key) SELECT $1, key FROM unnest($2::text[]) AS k(key)
          ON CONFLICT ("runId", key) DO NOTHING
          RETURNING id, key)
        SELECT id, key, NULL::int AS last FROM created
        UNION ALL
        SELECT s.id, s.key, (SELECT max(p.step) FROM "MetricPoint" p WHERE p."seriesId" = s.id) AS last
        FROM "MetricSeries" s WHERE s."runId" = $1 AND s.key = ANY($2::text[])`,
      values: [runId, missing],
    });
    for (const row of rows) heads.set(row.key, { id: row.id, lastStep: row.last });
    if (attempt === 3 && heads.size < keys.length) throw new Error(`metric series of run ${runId} could not be created: ${keys.filter((k) => !heads.has(k)).join(', ')}`);
  }
  return heads;
}

/** Steps strictly increasing and all after the series' last stored one: the points cannot be stored already. */
function appendsOnly(steps: ArrayLike<number>, lastStep: number | null): boolean {
  let previous = lastStep ?? -1;
  for (let i = 0; i < steps.length; i++) {
    if (steps[i] <= previous) return false;
    previous = steps[i];
  }
  return true;
}

const INT4_OID = 23;
const FLOAT8_OID = 701;

/**
 * A one-dimensional array in PostgreSQL's binary format (what array_recv reads for an `int[]` / `float8[]`
 * parameter): node-postgres sends a Buffer parameter as binary, so the server reads each number as 4 or 8 bytes
 * instead of parsing its text, and the client prints none.
 */
class BinaryArray {
  readonly buffer: Buffer;
  private readonly view: DataView;

  constructor(
    elementOid: number,
    private readonly width: 4 | 8,
    count: number,
  ) {
    // an empty array has no dimensions
    this.buffer = Buffer.allocUnsafe(count === 0 ? 12 : 20 + count * (4 + width));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.view.setInt32(0, count === 0 ? 0 : 1); // dimensions
    this.view.setInt32(4, 0); // no nulls
    this.view.setInt32(8, elementOid);
    if (count === 0) return;
    this.view.setInt32(12, count);
    this.view.setInt32(16, 1); // lower bound
    for (let i = 0, at = 20; i < count; i++, at += 4 + width) this.view.setInt32(at, width);
  }

  static int4(values: ArrayLike<number>, count = values.length): Buffer {
    const array = new BinaryArray(INT4_OID, 4, count);
    for (let i = 0; i < count; i++) array.view.setInt32(24 + i * 8, values[i]);
    return array.buffer;
  }

  static float8(values: ArrayLike<number>, count = values.length): Buffer {
    const array = new BinaryArray(FLOAT8_OID, 8, count);
    for (let i = 0; i < count; i++) array.view.setFloat64(24 + i * 12, values[i]);
    return array.buffer;
  }

  /** Element i = value (big-endian, after its length word). */
  set(i: number, value: number): void {
    const at = 24 + i * (4 + this.width);
    if (this.width === 8) this.view.setFloat64(at, value);
    else this.view.setInt32(at, value);
  }
}

interface Part {
  /** The series' id. */
  id: number;
  columns: MetricColumnsLike;
}

/** The points of some series as the four array parameters of the insert. */
function pointArrays(parts: readonly Part[]): Buffer[] {
  const count = parts.reduce((n, { columns }) => n + columns.steps.length, 0);
  const series = new BinaryArray(INT4_OID, 4, count);
  const steps = new BinaryArray(INT4_OID, 4, count);
  const values = new BinaryArray(FLOAT8_OID, 8, count);
  const wallTimes = new BinaryArray(FLOAT8_OID, 8, count);
  let i = 0;
  for (const { id, columns } of parts) {
    for (let j = 0; j < columns.steps.length; j++, i++) {
      series.set(i, id);
      steps.set(i, columns.steps[j]);
      values.set(i, columns.values[j]);
      wallTimes.set(i, columns.wallTimes[j]);
    }
  }
  return [series.buffer, steps.buffer, values.buffer, wallTimes.buffer];
}

// PostgreSQL's float8 comparisons (float.h), which min(float8) and max(float8) use: NaN is above every number and
// equal to itself, -0 equals 0.
const float8Lt = (a: number, b: number) => !Number.isNaN(a) && (Number.isNaN(b) || a < b);
const float8Gt = (a: number, b: number) => !Number.isNaN(b) && (Number.isNaN(a) || a > b);

/** The level-1 summary rows of some points, as columns (one entry per (series, 16-step bucket)). */
export interface Level1Summaries {
  length: number;
  series: Int32Array;
  bucket: Int32Array;
  count: Int32Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
  firstStep: Int32Array;
  lastStep: Int32Array;
}

/**
 * The level-1 summaries (per series and bucket of 16 steps) of points whose steps increase within each part,
 * computed as PostgreSQL's count(*), sum(value), min(value), max(value), min(step), max(step) compute them over
 * the points in this order: the sum adds each value to the first in turn (float8pl), min and max keep the
 * earlier value unless the next one compares lower / higher with float8's order (NaN highest, -0 = 0). So the
 * rows are those the SQL aggregation of the same inserted points gives, bit for bit. Undefined when a sum
 * overflows, where float8pl raises an error instead: the caller lets SQL aggregate (and fail) as before.
 */
export function level1Summaries(parts: readonly Part[]): Level1Summaries | undefined {
  const points = parts.reduce((n, { columns }) => n + columns.steps.length, 0);
  // at most one row per point
  const rows: Level1Summaries = {
    length: 0,
    series: new Int32Array(points),
    bucket: new Int32Array(points),
    count: new Int32Array(points),
    sum: new Float64Array(points),
    min: new Float64Array(points),
    max: new Float64Array(points),
    firstStep: new Int32Array(points),
    lastStep: new Int32Array(points),
  };
  let r = 0;
  for (const { id, columns } of parts) {
    const { steps, values } = columns;
    for (let i = 0; i < steps.length; ) {
      const bucket = steps[i] >> SUMMARY_LEVEL_BITS;
      let sum = values[i];
      let min = sum;
      let max = sum;
      let j = i + 1;
      for (; j < steps.length && steps[j] >> SUMMARY_LEVEL_BITS === bucket; j++) {
        const value = values[j];
        const next = sum + value;
        if (Math.abs(next) === Infinity && Math.abs(sum) !== Infinity && Math.abs(value) !== Infinity) return undefined;
        sum = next;
        if (!float8Lt(min, value)) min = value;
        if (!float8Gt(max, value)) max = value;
      }
      rows.series[r] = id;
      rows.bucket[r] = bucket;
      rows.count[r] = j - i;
      rows.sum[r] = sum;
      rows.min[r] = min;
      rows.max[r] = max;
      rows.firstStep[r] = steps[i];
      rows.lastStep[r] = steps[j - 1];
      r++;
      i = j;
    }
  }
  rows.length = r;
  return rows;
}

function level1Arrays(rows: Level1Summaries | undefined): Buffer[] {
  const n = rows?.length ?? 0;
  const empty = new Int32Array(0);
  const emptyF = new Float64Array(0);
  return [
    BinaryArray.int4(rows?.series ?? empty, n),
    BinaryArray.int4(rows?.bucket ?? empty, n),
    BinaryArray.int4(rows?.count ?? empty, n),
    BinaryArray.float8(rows?.sum ?? emptyF, n),
    BinaryArray.float8(rows?.min ?? emptyF, n),
    BinaryArray.float8(rows?.max ?? emptyF, n),
    BinaryArray.int4(rows?.firstStep ?? empty, n),
    BinaryArray.int4(rows?.lastStep ?? empty, n),
  ];
}

/** The points' primary key refused a row (PostgreSQL's 23505 on MetricPoint_pkey). */
function isPointKeyViolation(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'MetricPoint_pkey';
}

/**
 * Stores a batch of points and tells listeners (`metrics` event of the run, with the batch's keys); returns how
 * many points were new. Idempotent: a point is keyed by (series, step), so a batch re-sent after a lost response
 * inserts only what is missing, and only the inserted points are added to the series' summaries (per
 * 16^level-step bucket, levels 1…5), in the same statement.
 *
 * One statement, set-based (INSERT … SELECT unnest(…), …: the arrays are unnested in the select list, which
 * zips them row by row, where unnest(a, b, …) in FROM would first copy each into a tuplestore), its arrays sent
 * in PostgreSQL's binary format straight through node-postgres (Prisma's query compiler would copy and re-encode
 * every parameter: more CPU per batch than the insert). The points of a series that only appends (steps increasing, after its last stored
 * step: a trainer's usual batch) are inserted plainly, and their level-1 summaries come with them, computed here
 * (level1Summaries: the rows SQL would compute, without PostgreSQL hashing and re-reading every point); the
 * other points are inserted with ON CONFLICT DO NOTHING, whose speculative insertion costs a fifth to a third
 * more per row, and the ones that were new are aggregated in SQL. Levels 2…5 are aggregated in SQL from level 1.
 * Should a concurrent batch store one of the "appended" points first, the primary key refuses the statement as
 * a whole and it is repeated with every point checked. Summary rows are upserted in key order, so concurrent
 * batches of one series cannot deadlock. The event is sent by the same statement (delivered at commit).
 */
export async function insertMetricPoints(db: Db, runId: string, batch: readonly MetricColumnsLike[]): Promise<number> {
  const pool = pgPool(db);
  const keys = batch.map((columns) => columns.key);
  const heads = await seriesHeads(pool, runId, keys);
  const parts = batch.map((columns) => {
    const head = heads.get(columns.key);
    if (!head) throw new Error(`no series for metric key ${columns.key}`);
    return { id: head.id, columns, appends: appendsOnly(columns.steps, head.lastStep) };
  });
  const event = eventPayload({ type: 'metrics', runId, keys });
  const appended = parts.filter((p) => p.appends);
  const summaries = level1Summaries(appended);
  if (summaries) {
    try {
      return await insertPoints(pool, appended, summaries, parts.filter((p) => !p.appends), event);
    } catch (error) {
      if (!isPointKeyViolation(error)) throw error;
    }
  }
  return insertPoints(pool, [], undefined, parts, event);
}

const INSERT_POINTS_SQL = `
    WITH appended AS (
      INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime")
      SELECT s, st, v, to_timestamp(t / 1000.0) AT TIME ZONE 'UTC'
      FROM (SELECT unnest($1::int[]) AS s, unnest($2::int[]) AS st, unnest($3::float8[]) AS v, unnest($4::float8[]) AS t) AS u),
    checked AS (
      INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime")
      SELECT s, st, v, to_timestamp(t / 1000.0) AT TIME ZONE 'UTC'
      FROM (SELECT unnest($5::int[]) AS s, unnest($6::int[]) AS st, unnest($7::float8[]) AS v, unnest($8::float8[]) AS t) AS u
      ON CONFLICT ("seriesId", step) DO NOTHING
      RETURNING "seriesId", step, value),
    level1 AS (
      SELECT unnest($9::int[]) AS "seriesId", unnest($10::int[]) AS bucket, unnest($11::int[]) AS n, unnest($12::float8[]) AS total,
             unnest($13::float8[]) AS lo, unnest($14::float8[]) AS hi, unnest($15::int[]) AS first, unnest($16::int[]) AS last
      UNION ALL
      SELECT "seriesId", step >> ${SUMMARY_LEVEL_BITS}, count(*)::int, sum(value), min(value), max(value), min(step), max(step)
      FROM checked GROUP BY 1, 2),
    buckets AS (
      SELECT "seriesId", 1 AS level, bucket, n, total, lo, hi, first, last FROM level1
      UNION ALL
      SELECT "seriesId", l.level, bucket >> (${SUMMARY_LEVEL_BITS} * (l.level - 1)), sum(n)::int, sum(total), min(lo), max(hi), min(first), max(last)
      FROM level1 CROSS JOIN generate_series(2, ${SUMMARY_LEVELS}) AS l(level)
      GROUP BY 1, 2, 3),
    summarized AS (
      INSERT INTO "MetricSummary" AS m ("seriesId", level, bucket, count, sum, min, max, "firstStep", "lastStep")
      SELECT * FROM buckets ORDER BY 1, 2, 3
      ON CONFLICT ("seriesId", level, bucket) DO UPDATE SET
        count = m.count + excluded.count, sum = m.sum + excluded.sum,
        min = least(m.min, excluded.min), max = greatest(m.max, excluded.max),
        "firstStep" = least(m."firstStep", excluded."firstStep"), "lastStep" = greatest(m."lastStep", excluded."lastStep"))
    SELECT $17::int + (SELECT count(*)::int FROM checked) AS inserted, pg_notify($18, $19) AS notified`;

/** `appended` points are inserted as they are (a key violation fails the statement) with their level-1 `summaries`; `checked` ones only where missing. */
async function insertPoints(pool: pg.Pool, appended: readonly Part[], summaries: Level1Summaries | undefined, checked: readonly Part[], event: string): Promise<number> {
  const appendedCount = appended.reduce((n, { columns }) => n + columns.steps.length, 0);
  const { rows } = await pool.query<{ inserted: number }>({
    // prepared once per connection: parsed and planned once, not per batch
    name: 'ktlab-insert-metric-points',
    text: INSERT_POINTS_SQL,
    values: [...pointArrays(appended), ...pointArrays(checked), ...level1Arrays(summaries), appendedCount, CHANNEL, event],
  });
  return rows[0].inserted;
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

