/**
 * Pure helpers of the portal benchmark's concurrent-ingest phase: which points each worker sends in which
 * batch (and which batches it re-sends, as after a lost response), latency percentiles, and the verdict of
 * the SQL check that every planned point is stored exactly once.
 */

export interface IngestPlanOptions {
  /** Distinct points in all. */
  totalPoints: number;
  /** Concurrent workers, each holding its own run. */
  workers: number;
  /** Points per `worker.logMetrics` call. */
  batchSize: number;
  /** Metric keys per run; point i of a run is key `i % keys`, step `floor(i / keys)`. */
  keys: number;
  /** Every this-many-th batch of a worker (its 1st, (n+1)th, …) is sent twice; 0 = none. */
  resendEvery: number;
}

/** A contiguous slice [first, first + count) of a worker's point indices. */
export interface IngestBatch {
  first: number;
  count: number;
  /** Sent a second time right after the first send, whose answer is treated as lost. */
  resend: boolean;
}

export interface IngestPlan {
  keys: number;
  /** Points of each worker's run (they add up to totalPoints). */
  quotas: number[];
  /** Each worker's batches, in sending order. */
  batches: IngestBatch[][];
}

export interface PlannedPoint {
  key: string;
  step: number;
  value: number;
}

const positiveInt = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
};

export function planIngest(options: IngestPlanOptions): IngestPlan {
  positiveInt('ingest points', options.totalPoints);
  positiveInt('ingest workers', options.workers);
  positiveInt('ingest batch size', options.batchSize);
  positiveInt('metric keys', options.keys);
  if (!Number.isInteger(options.resendEvery) || options.resendEvery < 0) {
    throw new Error(`resend interval must be 0 (never) or a positive integer, got ${options.resendEvery}`);
  }
  if (options.workers > options.totalPoints) {
    throw new Error(`${options.workers} workers need at least as many points, got ${options.totalPoints}`);
  }
  const base = Math.floor(options.totalPoints / options.workers);
  const quotas = Array.from({ length: options.workers }, (_, w) => base + (w < options.totalPoints % options.workers ? 1 : 0));
  const batches = quotas.map((quota) => {
    const own: IngestBatch[] = [];
    for (let first = 0, b = 0; first < quota; first += options.batchSize, b++) {
      own.push({ first, count: Math.min(options.batchSize, quota - first), resend: options.resendEvery > 0 && b % options.resendEvery === 0 });
    }
    return own;
  });
  return { keys: options.keys, quotas, batches };
}

/** Point `index` of a run: keys interleaved, value `index + 0.5` (exact in float8, so SQL can check it). */
export function plannedPoint(keys: number, index: number): PlannedPoint {
  return { key: `ingest/m${index % keys}`, step: Math.floor(index / keys), value: index + 0.5 };
}

export function batchPoints(keys: number, batch: IngestBatch): PlannedPoint[] {
  return Array.from({ length: batch.count }, (_, i) => plannedPoint(keys, batch.first + i));
}

export interface Latency {
  /** Samples taken. */
  n: number;
  p50: number;
  p95: number;
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no samples');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(samples: readonly number[]): Latency {
  if (samples.length === 0) return { n: 0, p50: Number.NaN, p95: Number.NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** What the SQL check counted over the ingest runs. */
export interface StoredCounts {
  /** Rows. */
  rows: number;
  /** Distinct (run, key, step). */
  distinct: number;
  /** Distinct (run, key, step) that the plan names, with the planned value. */
  matching: number;
}

export interface IngestVerdict {
  planned: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Rows the plan does not name (or with another value). */
  unexpected: number;
  ok: boolean;
}

export function ingestVerdict(planned: number, counts: StoredCounts): IngestVerdict {
  const lost = planned - counts.matching;
  const duplicated = counts.rows - counts.distinct;
  const unexpected = counts.distinct - counts.matching;
  return { planned, stored: counts.matching, lost, duplicated, unexpected, ok: lost === 0 && duplicated === 0 && unexpected === 0 };
}

export function verdictLine(v: IngestVerdict): string {
  const extra = v.unexpected ? `, ${v.unexpected} unexpected` : '';
  return `points stored: ${v.stored} of ${v.planned} (${v.lost} lost, ${v.duplicated} duplicated${extra})`;
}
