/**
 * Live updates across processes: handlers publish with Postgres NOTIFY, each portal process LISTENs on one
 * connection and fans events out to its SSE subscribers. Works with any number of portal instances.
 */
import { EventEmitter, on } from 'node:events';
import pg from 'pg';
import { z } from 'zod';

export const CHANNEL = 'ktlab_events';

export const runEventSchema = z.object({
  type: z.enum(['status', 'stage', 'metrics', 'created']),
  runId: z.string(),
  /** For metrics: the keys that received points. */
  keys: z.array(z.string()).optional(),
  status: z.string().optional(),
});
export type RunEvent = z.infer<typeof runEventSchema>;

export interface EventHub {
  /** Events for one run, or for every run with `'*'`, until the signal aborts. */
  subscribe(runId: string | '*', signal?: AbortSignal): AsyncIterable<RunEvent>;
  close(): Promise<void>;
}

export class PgEventHub implements EventHub {
  private readonly emitter = new EventEmitter();
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(private readonly databaseUrl: string) {
    this.emitter.setMaxListeners(0);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      const parsed = runEventSchema.safeParse(JSON.parse(message.payload));
      if (!parsed.success) return;
      this.emitter.emit(parsed.data.runId, parsed.data);
      this.emitter.emit('*', parsed.data);
    });
    // The listening connection can drop (Postgres restarted): reconnect so live views resume by themselves.
    client.on('error', () => undefined);
    client.on('end', () => {
      this.client = undefined;
      this.connecting = undefined;
      // keep trying while someone listens: the database may take a while to come back
      const retry = () => {
        if (this.closed || this.emitter.eventNames().length === 0) return;
        this.ensureListening().catch(() => setTimeout(retry, 1000));
      };
      setTimeout(retry, 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
  }

  private ensureListening(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().catch((error) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  async *subscribe(runId: string, signal?: AbortSignal): AsyncIterable<RunEvent> {
    await this.ensureListening();
    try {
      for await (const [event] of on(this.emitter, runId, { signal })) yield event as RunEvent;
    } catch (error) {
      if ((error as Error).name !== 'AbortError') throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}

/** The payload for `SELECT pg_notify('ktlab_events', $payload)`. */
export function eventPayload(event: RunEvent): string {
  return JSON.stringify(event);
}
