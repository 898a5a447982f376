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
 * The thread only repeats the HTTP request the main thread built for it (tRPC's wire format, the worker token)
 * and hands back the raw answer; encoding and validation stay here, in TypeScript, on the main thread.
 */
import { Worker } from 'node:worker_threads';
import superjson from 'superjson';
import { z } from 'zod';
import type { PortalClient } from './api-client';

type HeartbeatInput = Parameters<PortalClient['worker']['heartbeat']['mutate']>[0];

const heartbeatAnswerSchema = z.object({ holdsRun: z.boolean(), cancelRequested: z.boolean() });
export type HeartbeatAnswer = z.infer<typeof heartbeatAnswerSchema>;

/** tRPC's answer to a call: `{ result: { data: <superjson> } }`, or `{ error: … }`. */
const trpcResultSchema = z.object({
  result: z.object({ data: z.object({ json: z.unknown(), meta: z.record(z.string(), z.unknown()).optional() }) }),
});

interface BeatRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What the main thread tells the thread: the request to repeat from now on, tagged with the hold it is for. */
interface HoldMessage {
  holdId: number;
  request: BeatRequest;
}

/** What the thread posts back after each beat. */
const beatReportSchema = z.union([
  z.object({ holdId: z.number(), status: z.number(), body: z.string() }),
  z.object({ holdId: z.number(), error: z.string() }),
]);

// Plain JavaScript, evaluated in the worker thread, so it runs the same under tsx, vitest and compiled builds.
// One beat at a time: a beat still waiting for its answer makes the thread skip a tick rather than pile up calls.
const threadSource = `
const { parentPort, workerData } = require('node:worker_threads');
let hold = workerData.hold;
let inFlight = false;
parentPort.on('message', (message) => { hold = message; });
async function beat() {
  if (inFlight) return;
  inFlight = true;
  const { holdId, request } = hold;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(workerData.timeoutMs),
    });
    parentPort.postMessage({ holdId, status: response.status, body: await response.text() });
  } catch (error) {
    parentPort.postMessage({ holdId, error: String((error && error.message) || error) });
  } finally {
    inFlight = false;
  }
}
setInterval(beat, workerData.intervalMs);
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
  private failing = false;

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
      workerData: { hold: this.holdMessage(), intervalMs, timeoutMs: 2 * intervalMs },
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
    this.thread?.postMessage(this.holdMessage());
  }

  async stop(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }

  private holdMessage(): HoldMessage {
    if (!this.workerId) throw new Error('the heartbeat is not started');
    const input: HeartbeatInput = { workerId: this.workerId, runId: this.heldRunId };
    return {
      holdId: this.holdId,
      request: {
        url: new URL('/api/trpc/worker.heartbeat', this.options.portalUrl).toString(),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.token}` },
        body: JSON.stringify(superjson.serialize(input)),
      },
    };
  }

  private receive(message: unknown, onAnswer: (runId: string, answer: HeartbeatAnswer) => void): void {
    const report = beatReportSchema.parse(message);
    const answer = 'error' in report ? undefined : parseAnswer(report.status, report.body);
    // A failed beat is not an answer: the lease stays until it expires, and the next beat may get through.
    if (!answer) {
      if (!this.failing) this.options.log?.(`heartbeat: no answer from the portal (${'error' in report ? report.error : `HTTP ${report.status}`}); retrying`);
      this.failing = true;
      return;
    }
    if (this.failing) this.options.log?.('heartbeat: the portal answers again');
    this.failing = false;
    if (report.holdId === this.holdId && this.heldRunId) onAnswer(this.heldRunId, answer);
  }
}

function parseAnswer(status: number, body: string): HeartbeatAnswer | undefined {
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
  const answer = heartbeatAnswerSchema.safeParse(superjson.deserialize({ json: value as never, meta: meta as never }));
  return answer.success ? answer.data : undefined;
}
