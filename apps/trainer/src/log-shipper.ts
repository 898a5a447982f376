import type { PortalClient } from './api-client';
import { isTransient, withRetry } from './retry';

/** As the portal's appendLogs schema (libs/api/src/routers/worker/append-logs.schema.ts). */
const MAX_LINE_CHARS = 4000;
const MAX_BATCH = 1000;

interface LogLine {
  seq: number;
  time: Date;
  message: string;
}

/**
 * Sends a run's log lines to the portal in batches, numbered 0, 1, 2, … within the attempt. Like metrics,
 * a batch re-sent after a lost response is stored once ((run, attempt, seq) is unique), and sending retries
 * while the portal is away. Logs never stop a run: a refusal (the run was handed to another worker) drops the
 * buffer, and when the buffer overflows while the portal is unreachable the oldest unsent lines are dropped.
 */
export class LogShipper {
  private buffer: LogLine[] = [];
  private nextSeq = 0;
  private flushing?: Promise<void>;
  private readonly timer: NodeJS.Timeout;
  private dropped = 0;

  constructor(
    private readonly client: PortalClient,
    private readonly ids: { workerId: string; runId: string; attempt: number },
    private readonly options: { intervalMs?: number; capacity?: number; log?: (message: string) => void } = {},
  ) {
    this.timer = setInterval(() => void this.flush(), options.intervalMs ?? 1000);
  }

  append(message: string): void {
    const text = message.length > MAX_LINE_CHARS ? `${message.slice(0, MAX_LINE_CHARS - 1)}…` : message;
    this.buffer.push({ seq: this.nextSeq++, time: new Date(), message: text });
    const capacity = this.options.capacity ?? 50_000;
    if (this.buffer.length > capacity) {
      this.dropped += this.buffer.length - capacity;
      this.buffer = this.buffer.slice(-capacity);
    }
  }

  /** Sends everything appended so far; never rejects. */
  flush(): Promise<void> {
    this.flushing ??= this.sendAll()
      .catch((error: unknown) => {
        this.options.log?.(`logs: not sent to the portal: ${(error as Error).message}`);
        this.buffer = [];
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }

  private async sendAll(): Promise<void> {
    if (this.dropped > 0) {
      this.options.log?.(`logs: ${this.dropped} line(s) dropped while the portal was unreachable`);
      this.dropped = 0;
    }
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, MAX_BATCH);
      await withRetry(() => this.client.worker.appendLogs.mutate({ ...this.ids, lines: batch }), { retryIf: isTransient, retries: 30 });
      // lines dropped for capacity during the call may have shifted the buffer: remove by seq, not by count
      const last = batch[batch.length - 1].seq;
      this.buffer = this.buffer.filter((line) => line.seq > last);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    // a line appended while the last batch was in flight
    if (this.buffer.length > 0) await this.flush();
  }

  /** Stops without sending (the run was handed to another worker). */
  discard(): void {
    clearInterval(this.timer);
    this.buffer = [];
  }
}
