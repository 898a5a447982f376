import type { MetricColumns } from '@ktlab/api';
import { encodeMetricBatch } from '@ktlab/api/metric-batch';
import type { PortalClient } from './api-client';
import type { MetricSpool } from './metric-spool';
import { isTransient, withRetry } from './retry';

export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  wallTime: Date;
}

/** Points as one set of parallel arrays per key, what a `worker.logMetrics` batch carries. */
export function toMetricColumns(points: readonly MetricPoint[]): MetricColumns[] {
  const byKey = new Map<string, MetricColumns>();
  for (const point of points) {
    let columns = byKey.get(point.key);
    if (!columns) byKey.set(point.key, (columns = { key: point.key, steps: [], values: [], wallTimes: [] }));
    columns.steps.push(point.step);
    columns.values.push(point.value);
    columns.wallTimes.push(point.wallTime.getTime());
  }
  return [...byKey.values()];
}

/** Points per `worker.logMetrics` call when more are waiting (the API takes up to MAX_POINTS_PER_BATCH). */
export const DEFAULT_METRIC_BATCH = 5000;

export interface MetricsReporterOptions {
  batchSize?: number;
  intervalMs?: number;
  /** Points held in memory; without a spool `log` waits when it is full, with one the rest goes to disk. */
  capacity?: number;
  /** Where points go when the portal is unreachable or memory is full (see metric-spool.ts). */
  spool?: MetricSpool;
  log?: (message: string) => void;
}

/**
 * Buffers a run's metric points and sends them in batches, retrying with backoff while the portal is away.
 * Re-sending is safe (the portal ignores points it already has), so nothing is lost and nothing doubled.
 *
 * Memory is bounded. Without a spool, `log` waits when the buffer is full, slowing the job rather than
 * dropping points. With a spool (the daemon's default), the first failed send moves every pending point to
 * disk, and while anything is on disk new points are appended there too (so they reach the portal in order
 * and memory stays at `capacity`); the disk is drained oldest segment first, with retries, and memory is used
 * again once it is empty. Points spooled by an earlier process for this run are sent first.
 */
export class MetricsReporter {
  private buffer: MetricPoint[] = [];
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private readonly waiters: (() => void)[] = [];
  private readonly capacity: number;
  private readonly stopped = new AbortController();

  constructor(
    private readonly client: PortalClient,
    private readonly ids: { workerId: string; runId: string },
    private readonly options: MetricsReporterOptions = {},
  ) {
    this.capacity = options.capacity ?? (options.spool ? 10_000 : 200_000);
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.intervalMs ?? 500);
  }

  /** Points held in memory right now (the rest, if any, is in the spool). */
  get inMemory(): number {
    return this.buffer.length;
  }

  async log(key: string, step: number, value: number): Promise<void> {
    const point = { key, step, value, wallTime: new Date() };
    const { spool } = this.options;
    if (spool) {
      if (spool.size > 0 || this.buffer.length >= this.capacity) spool.append([point]);
      else this.buffer.push(point);
    } else {
      while (this.buffer.length >= this.capacity) await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.buffer.push(point);
    }
    if (this.buffer.length >= (this.options.batchSize ?? DEFAULT_METRIC_BATCH)) void this.flush().catch(() => undefined);
  }

  /** Sends everything logged so far (memory and spool); resolves once the portal has it. */
  flush(): Promise<void> {
    this.flushing ??= this.sendAll().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * One batch in the binary form (encodeMetricBatch: doubles and 32-bit steps, no JSON or superjson per point,
   * which cost the portal more than storing the points).
   */
  private send(points: MetricPoint[]) {
    return this.client.worker.logMetrics.mutate(encodeMetricBatch({ ...this.ids, series: toMetricColumns(points) }));
  }

  private retrying<T>(action: () => Promise<T>): Promise<T> {
    return withRetry(action, {
      retryIf: isTransient,
      signal: this.stopped.signal,
      onRetry: (error, attempt) => this.options.log?.(`metrics: retry ${attempt} after ${(error as Error).message}`),
    });
  }

  private async sendAll(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_METRIC_BATCH;
    const { spool } = this.options;
    for (;;) {
      // the spool first: it holds the oldest points (and, after a restart, an earlier process's)
      const spooled = spool?.oldest();
      if (spool && spooled) {
        for (let i = 0; i < spooled.points.length; i += batchSize) await this.retrying(() => this.send(spooled.points.slice(i, i + batchSize)));
        spool.remove(spooled.segment, spooled.points.length);
        continue;
      }
      if (this.buffer.length === 0) return;
      const batch = this.buffer.slice(0, batchSize);
      if (spool) {
        try {
          await this.send(batch);
        } catch (error) {
          if (!isTransient(error)) throw error;
          // the portal is away: everything pending goes to disk, then the loop above retries from there
          this.options.log?.(`metrics: portal unreachable (${(error as Error).message}); spooling ${this.buffer.length} point(s) to disk`);
          spool.append(this.buffer);
          this.buffer = [];
          continue;
        }
      } else {
        await this.retrying(() => this.send(batch));
      }
      this.buffer = this.buffer.slice(batch.length);
      this.waiters.splice(0).forEach((wake) => wake());
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    const { spool } = this.options;
    if (spool && spool.size === 0) spool.destroy();
    else spool?.seal();
  }

  /** Stops sending; what is not sent stays in the spool for a later process. */
  stop(): void {
    clearInterval(this.timer);
    this.stopped.abort();
    this.options.spool?.seal();
  }

  /** Stops without sending (the run was handed to another worker, which replays from its checkpoint). */
  discard(): void {
    clearInterval(this.timer);
    this.buffer = [];
    this.options.spool?.destroy();
    this.waiters.splice(0).forEach((wake) => wake());
  }
}

const SPOOL_MAX_AGE_MS = 7 * 24 * 3_600_000;

/**
 * Sends the points that earlier processes of this worker spooled and could not deliver (the trainer was
 * killed or restarted during a portal outage). A run this worker no longer holds keeps its spool for a week:
 * if the worker claims it again, its reporter sends them first; a run the portal does not know is forgotten.
 */
export async function replaySpooledMetrics(
  client: PortalClient,
  workerId: string,
  spools: { runIds: string[]; open(runId: string): MetricSpool },
  log: (message: string) => void,
): Promise<void> {
  for (const runId of spools.runIds) {
    const spool = spools.open(runId);
    const before = spool.size;
    const reporter = new MetricsReporter(client, { workerId, runId }, { spool, intervalMs: 3_600_000, log });
    try {
      await reporter.close();
      log(`metrics: replayed ${before} spooled point(s) of run ${runId}`);
    } catch (error) {
      const code = (error as { data?: { code?: string } }).data?.code;
      reporter.stop();
      const stale = (spool.lastWrite()?.getTime() ?? 0) < Date.now() - SPOOL_MAX_AGE_MS;
      if (code === 'NOT_FOUND' || stale) spool.destroy();
      log(`metrics: ${before} spooled point(s) of run ${runId} not replayed now: ${(error as Error).message}`);
    }
  }
}
