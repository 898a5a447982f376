/**
 * PuzzleSource: a pool of worker threads producing puzzle batches ahead of a training loop — what the puzzles
 * benchmark measures against sampling on one thread (the pipeline samples with PuzzleSampler on its own thread).
 *
 * The images are placed once in a SharedArrayBuffer; workers receive batch indices and transfer finished
 * batches back. At most `prefetch` batches are in flight or waiting, so memory stays bounded when training
 * is slower than sampling. Batches are handed out strictly in index order, and batch i depends only on
 * (seed, i): the stream is identical for any number of workers, and equal to PuzzleSampler.sample on
 * BatchOrder's indices.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import { parsePuzzleConfig, validateImageStack, type ImageStack, type PermutationSet, type PuzzleBatch, type PuzzleConfigInput } from '@ktlab/jigsaw';
import type { BatchReply, PuzzleWorkerData } from './worker-protocol';

const sourceOptionsSchema = z.object({
  batchSize: z.number().int().positive(),
  seed: z.number().int().safe(),
  workers: z.number().int().positive().optional(),
  prefetch: z.number().int().positive().optional(),
  firstBatch: z.number().int().nonnegative().default(0),
});

export interface PuzzleSourceOptions {
  readonly images: ImageStack;
  readonly permutations: PermutationSet;
  readonly config?: PuzzleConfigInput;
  readonly batchSize: number;
  readonly seed: number;
  /** Worker threads; default: available cores − 1 (at least 1), leaving one for the training loop. */
  readonly workers?: number;
  /** Batches in flight or ready at once; default 2 per worker. */
  readonly prefetch?: number;
  /** Index of the first batch handed out (to resume a run); default 0. */
  readonly firstBatch?: number;
}

interface Waiter {
  resolve(batch: PuzzleBatch): void;
  reject(error: Error): void;
}

export class PuzzleSource implements AsyncIterable<PuzzleBatch> {
  readonly workerCount: number;
  readonly prefetch: number;
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly ready = new Map<number, PuzzleBatch>();
  private nextToRequest: number;
  private nextToHandOut: number;
  /** Callers of next() waiting, in call order; the k-th waiter gets the k-th batch not yet handed out. */
  private readonly waiters: Waiter[] = [];
  private failure: Error | undefined;
  private closed = false;

  constructor(options: PuzzleSourceOptions) {
    const parsed = sourceOptionsSchema.parse(options);
    validateImageStack(options.images);
    parsePuzzleConfig(options.config); // fail here, not inside a worker
    this.workerCount = parsed.workers ?? Math.max(1, availableParallelism() - 1);
    this.prefetch = parsed.prefetch ?? 2 * this.workerCount;
    this.nextToRequest = parsed.firstBatch;
    this.nextToHandOut = parsed.firstBatch;

    const { count, height, width, channels } = options.images;
    const workerData: PuzzleWorkerData = {
      images: { ...sharedImageBytes(options.images), count, height, width, channels },
      permutationOrders: options.permutations.orders,
      config: options.config ?? {},
      batchSize: parsed.batchSize,
      seed: parsed.seed,
    };
    for (let i = 0; i < this.workerCount; i++) {
      const worker = startWorker(workerData);
      worker.on('message', (reply: BatchReply) => this.onReply(worker, reply));
      worker.on('error', (error) => this.fail(new Error(`puzzle worker ${i} crashed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`puzzle worker ${i} exited unexpectedly with code ${code}`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
    this.requestMore();
  }

  /** The next batch in index order. */
  next(): Promise<PuzzleBatch> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('PuzzleSource is closed'));
    const batch = this.waiters.length === 0 ? this.takeReady() : undefined;
    if (batch) return Promise.resolve(batch);
    const waiting = new Promise<PuzzleBatch>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.requestMore(); // a waiter beyond the prefetch window still needs its batch requested
    return waiting;
  }

  /** Yields batches until `count` have been produced (or forever) and closes the source when done. */
  async *batches(count = Infinity): AsyncGenerator<PuzzleBatch> {
    try {
      for (let i = 0; i < count; i++) yield await this.next();
    } finally {
      await this.close();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PuzzleBatch> {
    return this.batches();
  }

  /** Stops all workers; pending and later next() calls reject. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('PuzzleSource was closed while a batch was awaited'));
    this.ready.clear();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private onReply(worker: Worker, reply: BatchReply): void {
    if (this.closed) return;
    if (reply.kind === 'error') {
      this.fail(new Error(`puzzle worker failed on batch ${reply.batchIndex}: ${reply.message}`));
      return;
    }
    this.ready.set(reply.batch.batchIndex, reply.batch);
    this.idle.push(worker);
    while (this.waiters.length > 0) {
      const batch = this.takeReady();
      if (!batch) break;
      this.waiters.shift()!.resolve(batch);
    }
    this.requestMore();
  }

  private takeReady(): PuzzleBatch | undefined {
    const batch = this.ready.get(this.nextToHandOut);
    if (!batch) return undefined;
    this.ready.delete(this.nextToHandOut);
    this.nextToHandOut++;
    this.requestMore();
    return batch;
  }

  private requestMore(): void {
    const limit = Math.max(this.prefetch, this.waiters.length);
    while (!this.closed && !this.failure && this.idle.length > 0 && this.nextToRequest - this.nextToHandOut < limit) {
      this.idle.pop()!.postMessage({ batchIndex: this.nextToRequest++ });
    }
  }

  private fail(error: Error): void {
    if (this.failure || this.closed) return;
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
    void this.close();
  }
}

const WORKER_URL = new URL(import.meta.url.endsWith('.ts') ? './puzzle-worker.ts' : './puzzle-worker.js', import.meta.url);

/**
 * Starts a puzzle worker. The library ships as TypeScript source, so a worker needs tsx's loader. On Node 20
 * `execArgv: ['--import', 'tsx']` does not apply to the worker's own entry file, so a tiny eval'd bootstrap
 * registers tsx's ESM hooks inside the worker and then imports the .ts entry. tsx is located from this
 * package (not the caller's working directory).
 */
function startWorker(workerData: PuzzleWorkerData): Worker {
  if (!WORKER_URL.pathname.endsWith('.ts')) return new Worker(WORKER_URL, { workerData });
  const bootstrap = [
    `import(${JSON.stringify(tsxEsmApiUrl())})`,
    `.then((tsx) => tsx.register())`,
    `.then(() => import(${JSON.stringify(WORKER_URL.href)}))`,
  ].join('');
  return new Worker(bootstrap, { eval: true, workerData });
}

let tsxApiUrl: string | undefined;

function tsxEsmApiUrl(): string {
  if (tsxApiUrl) return tsxApiUrl;
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('tsx/package.json');
  } catch {
    throw new Error('PuzzleSource runs its workers from TypeScript source and needs the tsx package (npm install tsx)');
  }
  // require.resolve would pick tsx's CommonJS build; the worker needs the ESM entry named in its exports map.
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports?: Record<string, { import?: { default?: string } }> };
  const entry = manifest.exports?.['./esm/api']?.import?.default;
  if (!entry) throw new Error(`tsx at ${dirname(manifestPath)} has no ESM "./esm/api" export; PuzzleSource needs tsx 4`);
  tsxApiUrl = pathToFileURL(join(dirname(manifestPath), entry)).href;
  return tsxApiUrl;
}

function sharedImageBytes(images: ImageStack): { buffer: SharedArrayBuffer; byteOffset: number } {
  if (images.data.buffer instanceof SharedArrayBuffer) return { buffer: images.data.buffer, byteOffset: images.data.byteOffset };
  const shared = new SharedArrayBuffer(images.data.byteLength);
  new Uint8Array(shared).set(images.data);
  return { buffer: shared, byteOffset: 0 };
}

/** Copies an image stack into shared memory once, so several PuzzleSources (or restarts) reuse it. */
export function shareImageStack(images: ImageStack): ImageStack {
  const { buffer, byteOffset } = sharedImageBytes(validateImageStack(images));
  return { ...images, data: new Uint8Array(buffer, byteOffset, images.data.length) };
}
