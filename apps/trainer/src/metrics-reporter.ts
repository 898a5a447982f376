import type { PortalClient } from './api-client';
import { isTransient, withRetry } from './retry';

export interface MetricPoint {
  key: string;
  step: number;
  value: number;
  wallTime: Date;
}

/**
 * Buffers a run's metric points and sends them in batches, retrying with backoff while the portal is away.
 * Re-sending is safe (the portal ignores points it already has), so nothing is lost and nothing doubled.
 * The buffer is bounded: `log` waits when it is full, slowing the job rather than dropping points.
 */
export class MetricsReporter {
  private buffer: MetricPoint[] = [];
  private flushing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly client: PortalClient,
    private readonly ids: { workerId: string; runId: string },
    private readonly options: { batchSize?: number; intervalMs?: number; capacity?: number; log?: (message: string) => void } = {},
  ) {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), options.intervalMs ?? 500);
  }

  async log(key: string, step: number, value: number): Promise<void> {
    while (this.buffer.length >= (this.options.capacity ?? 200_000)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.buffer.push({ key, step, value, wallTime: new Date() });
    if (this.buffer.length >= (this.options.batchSize ?? 2000)) void this.flush().catch(() => undefined);
  }

  /** Sends everything buffered so far; resolves once the portal has it. */
  flush(): Promise<void> {
    this.flushing ??= this.sendAll().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async sendAll(): Promise<void> {
    const batchSize = this.options.batchSize ?? 2000;
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, batchSize);
      await withRetry(() => this.client.worker.logMetrics.mutate({ ...this.ids, points: batch }), {
        retryIf: isTransient,
        onRetry: (error, attempt) => this.options.log?.(`metrics: retry ${attempt} after ${(error as Error).message}`),
      });
      this.buffer = this.buffer.slice(batch.length);
      this.waiters.splice(0).forEach((wake) => wake());
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Stops without sending (the run was handed to another worker). */
  discard(): void {
    clearInterval(this.timer);
    this.buffer = [];
    this.waiters.splice(0).forEach((wake) => wake());
  }
}
