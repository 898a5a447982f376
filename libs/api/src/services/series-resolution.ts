/**
 * Which stored resolution answers a downsampled read of a metric series. Ingest keeps, per series, summaries of
 * step buckets of width 16^level (level 1…5; level 0 = the raw points). A read of steps [first, last] in at most
 * `maxPoints` buckets uses buckets aligned to multiples of `width`, a multiple of the level's bucket width, so
 * each output bucket is a union of whole summary buckets (its min, max and mean are exact), and the finest level
 * that is not finer than needed, so a read touches at most ~16 × maxPoints rows, whatever the series' length.
 */

export const SUMMARY_LEVEL_BITS = 4;
export const SUMMARY_LEVELS = 5;

export interface SeriesResolution {
  /** 0: group the raw points; 1…SUMMARY_LEVELS: group the summaries of this level. */
  level: number;
  /** Output bucket width in steps (a multiple of 16^level); bucket b covers [b·width, (b+1)·width). */
  width: number;
}

/** Buckets of `width` that steps first…last fall into. */
export function bucketCount(first: number, last: number, width: number): number {
  return Math.floor(last / width) - Math.floor(first / width) + 1;
}

export function chooseResolution(first: number, last: number, maxPoints: number): SeriesResolution {
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first) {
    throw new Error(`step range must be 0 ≤ first ≤ last (integers), got ${first}…${last}`);
  }
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new Error(`maxPoints must be a positive integer, got ${maxPoints}`);
  const needed = Math.ceil((last - first + 1) / maxPoints);
  let level = 0;
  while (level < SUMMARY_LEVELS && 2 ** (SUMMARY_LEVEL_BITS * (level + 1)) <= needed) level++;
  const unit = 2 ** (SUMMARY_LEVEL_BITS * level);
  let width = Math.ceil(needed / unit) * unit;
  // aligned buckets can straddle one more than the span needs
  while (bucketCount(first, last, width) > maxPoints) width += unit;
  return { level, width };
}

/**
 * SQL that builds the summaries of the series whose ids are $1 (int[]) from their points, for series whose
 * points were written straight into MetricPoint (seeds of tests and benchmarks, bypassing insertMetricPoints)
 * and have no summaries yet.
 */
export const SUMMARIZE_SERIES_SQL = `
  INSERT INTO "MetricSummary" ("seriesId", level, bucket, count, sum, min, max, "firstStep", "lastStep")
  SELECT p."seriesId", l.level, p.step >> (${SUMMARY_LEVEL_BITS} * l.level), count(*), sum(p.value), min(p.value), max(p.value), min(p.step), max(p.step)
  FROM "MetricPoint" p CROSS JOIN generate_series(1, ${SUMMARY_LEVELS}) AS l(level)
  WHERE p."seriesId" = ANY($1::int[])
  GROUP BY 1, 2, 3`;
