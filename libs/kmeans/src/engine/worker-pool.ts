/**
 * A fixed set of worker threads, each running its own instance of the k-means kernel on one shared
 * WebAssembly.Memory. The host runs one call per thread at a time and waits for all of them.
 */
import { Worker } from 'node:worker_threads';
import type { LloydKernel, LloydKernelExports } from './wasm-kernel.js';

export type KernelCall = { [F in keyof LloydKernelExports]: { fn: F; args: Parameters<LloydKernelExports[F]> } }[keyof LloydKernelExports];

// Plain JavaScript, evaluated in the worker, so it runs the same under tsx, vitest and compiled builds.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
parentPort.on('message', (call) => {
  try {
    instance.exports[call.fn](...call.args);
    parentPort.postMessage({ ok: true });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String(error && error.stack || error) });
  }
});
`;

export class KernelWorkerPool {
  private readonly workers: Worker[];
  private pending: Promise<void> = Promise.resolve();

  constructor(kernel: LloydKernel, memory: WebAssembly.Memory, threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be ≥ 1, got ${threads}`);
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(workerSource, { eval: true, workerData: { module: kernel.module, memory } });
      worker.unref(); // idle workers must not keep the process alive; `call` refs them while busy
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Runs calls[i] on worker i (at most one per worker) and resolves when all have returned. */
  run(calls: readonly KernelCall[]): Promise<void> {
    if (calls.length > this.workers.length) throw new RangeError(`${calls.length} calls for ${this.workers.length} workers`);
    const batch = this.pending.then(() => Promise.all(calls.map((call, i) => this.call(this.workers[i], call))).then(() => undefined));
    this.pending = batch.catch(() => undefined);
    return batch;
  }

  private call(worker: Worker, call: KernelCall): Promise<void> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: { ok: boolean; message?: string }): void => {
        worker.off('error', onError);
        worker.unref();
        if (reply.ok) resolve();
        else reject(new Error(`k-means kernel ${call.fn} failed in a worker: ${reply.message}`));
      };
      const onError = (error: Error): void => {
        worker.off('message', onMessage);
        worker.unref();
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.ref();
      worker.postMessage(call);
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
