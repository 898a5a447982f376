/**
 * The daemon's heartbeat, sent from a worker thread so that no training loop can starve it.
 *
 * TensorFlow.js kernels on the wasm backend are synchronous, and a training loop's awaits resolve as
 * microtasks: a timer on the main thread cannot fire during an epoch, so a main-thread heartbeat lets the lease
 * expire on a loaded machine and the run is handed to another worker. The thread has its own event loop,
 * timer and HTTP connection; it calls `worker.heartbeat` on schedule whatever the main thread does, and posts
 * each answer back. The main thread reads the answers whenever it next gets control (they arrive as macrotasks),
 * so a lost lease or a cancel still stops the job at its next real yield — while the lease itself never lapses
 * because the main thread was busy.
 *
 * The thread only repeats the HTTP requests the main thread built for it (tRPC's wire format, the worker token)
 * and hands back the raw answers; encoding and validation stay here, in TypeScript, on the main thread. Two
 * requests at most: `worker.heartbeat` (always; with the held run, if any) and `shards.heartbeat` (while shard
 * tasks are executed), each repeated every interval, one call of each in flight at a time.
 */
import { Worker } from 'node:worker_threads';
import superjson from 'superjson';
import { z } from 'zod';
import type { PortalClient } from './api-client';

type HeartbeatInput = Parameters<PortalClient['worker']['heartbeat']['mutate']>[0];
type ShardHeartbeatInput = Parameters<PortalClient['shards']['heartbeat']['mutate']>[0];

const heartbeatAnswerSchema = z.object({ holdsRun: z.boolean(), cancelRequested: z.boolean() });
export type HeartbeatAnswer = z.infer<typeof heartbeatAnswerSchema>;
const shardHeartbeatAnswerSchema = z.object({ held: z.array(z.string()) });

/** tRPC's answer to a call: `{ result: { data: <superjson> } }`, or `{ error: … }`. */
const trpcResultSchema = z.object({
  result: z.object({ data: z.object({ json: z.unknown(), meta: z.record(z.string(), z.unknown()).optional() }) }),
});

interface BeatRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const beatKeySchema = z.enum(['run', 'shards']);
type BeatKey = z.infer<typeof beatKeySchema>;

/** A request to repeat, tagged with the hold it is for. */
interface Beat {
  holdId: number;
  request: BeatRequest;
}

/** What the main thread tells the thread: the request to repeat from now on under this key (null: stop). */
interface BeatMessage {
  key: BeatKey;
  beat: Beat | null;
}

/** What the thread posts back after each call. */
const beatReportSchema = z.union([
  z.object({ key: beatKeySchema, holdId: z.number(), status: z.number(), body: z.string() }),
  z.object({ key: beatKeySchema, holdId: z.number(), error: z.string() }),
]);

// Plain JavaScript, evaluated in the worker thread, so it runs the same under tsx, vitest and compiled builds.
// A call still waiting for its answer makes the thread skip that key's tick rather than pile up calls.
const threadSource = `
const { parentPort, workerData } = require('node:worker_threads');
const beats = new Map(Object.entries(workerData.beats));
const inFlight = new Set();
parentPort.on('message', ({ key, beat }) => {
  if (beat) beats.set(key, beat);
  else beats.delete(key);
});
async function send(key, { holdId, request }) {
  if (inFlight.has(key)) return;
  inFlight.add(key);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(workerData.timeoutMs),
    });
    parentPort.postMessage({ key, holdId, status: response.status, body: await response.text() });
  } catch (error) {
    parentPort.postMessage({ key, holdId, error: String((error && error.message) || error) });
  } finally {
    inFlight.delete(key);
  }
}
setInterval(() => {
  for (const [key, beat] of beats) void send(key, beat);
}, workerData.intervalMs);
`;

export interface LeaseHeartbeatOptions {
  portalUrl: string;
  token: string;
  log?: (message: string) => void;
}

export class LeaseHeartbeat {
  private thread?: Worker;
  private workerId?: string;
  private holdId = 0;
  private heldRunId?: string;
  private readonly failing = new Set<BeatKey>();

  constructor(private readonly options: LeaseHeartbeatOptions) {}

  /**
   * Starts beating for this worker every `intervalMs`. `onAnswer` receives, on the main thread, the portal's
   * answers about the run held at the time (see `hold`); answers about an earlier hold are dropped.
   */
  start(workerId: string, intervalMs: number, onAnswer: (runId: string, answer: HeartbeatAnswer) => void): void {
    if (this.thread) throw new Error('the heartbeat is already started');
    this.workerId = workerId;
    const thread = new Worker(threadSource, {
      eval: true,
      workerData: { beats: { run: this.runBeat() } satisfies Partial<Record<BeatKey, Beat>>, intervalMs, timeoutMs: 2 * intervalMs },
    });
    // the daemon decides when the process ends; a forgotten heartbeat must not keep it alive
    thread.unref();
    thread.on('message', (message: unknown) => this.receive(message, onAnswer));
    thread.on('error', (error) => this.options.log?.(`heartbeat thread failed: ${error.message}`));
    this.thread = thread;
  }

  /** The run whose lease the beats renew from now on; undefined: none (the beats only say the worker is alive). */
  hold(runId: string | undefined): void {
    this.holdId++;
    this.heldRunId = runId;
    this.post({ key: 'run', beat: this.runBeat() });
  }

  /** The shard tasks whose leases the beats renew from now on (none: no shard beats). */
  holdShards(taskIds: readonly string[]): void {
    if (!this.workerId) throw new Error('the heartbeat is not started');
    const input: ShardHeartbeatInput = { workerId: this.workerId, taskIds: [...taskIds] };
    this.post({ key: 'shards', beat: taskIds.length ? { holdId: 0, request: this.request('shards.heartbeat', input) } : null });
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }

  private post(message: BeatMessage): void {
    this.thread?.postMessage(message);
  }

  private runBeat(): Beat {
    if (!this.workerId) throw new Error('the heartbeat is not started');
    const input: HeartbeatInput = { workerId: this.workerId, runId: this.heldRunId };
    return { holdId: this.holdId, request: this.request('worker.heartbeat', input) };
  }

  private request(procedure: string, input: HeartbeatInput | ShardHeartbeatInput): BeatRequest {
    return {
      url: new URL(`/api/trpc/${procedure}`, this.options.portalUrl).toString(),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
      body: JSON.stringify(superjson.serialize(input)),
    };
  }

  private receive(message: unknown, onAnswer: (runId: string, answer: HeartbeatAnswer) => void): void {
    const report = beatReportSchema.parse(message);
    const delivered = 'error' in report ? undefined : report;
    if (report.key === 'shards') {
      // a shard no longer held is found out by its finish (refused); the answer itself needs no action
      this.noteDelivery(report, delivered && parseAnswer(delivered.status, delivered.body, shardHeartbeatAnswerSchema));
      return;
    }
    const answer = delivered && parseAnswer(delivered.status, delivered.body, heartbeatAnswerSchema);
    this.noteDelivery(report, answer);
    if (answer && report.holdId === this.holdId && this.heldRunId) onAnswer(this.heldRunId, answer);
  }

  /** A failed beat is not an answer: the lease stays until it expires, and the next beat may get through. Said once per outage. */
  private noteDelivery(report: z.infer<typeof beatReportSchema>, answer: unknown): void {
    const what = report.key === 'run' ? 'heartbeat' : 'shard heartbeat';
    if (answer === undefined) {
      if (!this.failing.has(report.key)) this.options.log?.(`${what}: no answer from the portal (${'error' in report ? report.error : `HTTP ${report.status}`}); retrying`);
      this.failing.add(report.key);
    } else if (this.failing.delete(report.key)) {
      this.options.log?.(`${what}: the portal answers again`);
    }
  }
}

function parseAnswer<T>(status: number, body: string, schema: z.ZodType<T>): T | undefined {
  if (status !== 200) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const result = trpcResultSchema.safeParse(json);
  if (!result.success) return undefined;
  const { json: value, meta } = result.data.result.data;
  const answer = schema.safeParse(superjson.deserialize({ json: value as never, meta: meta as never }));
  return answer.success ? answer.data : undefined;
}
