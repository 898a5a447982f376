/**
 * A synchronous thread team for ktlab's AssemblyScript kernels: tfjs kernels are synchronous, so a call is
 * split across threads and returns only when every part is done.
 *
 * `threads − 1` worker_threads each instantiate the kernel modules on the same shared memory (the tfjs wasm
 * module's). A call is a function and its i32 arguments, written into a SharedArrayBuffer control block; the
 * function's first three parameters are filled in by the team: a unit range [begin, end) and the slot of the
 * thread running it (0 = the caller, 1 + i = worker i; for per-thread scratch). The units are cut
 * into shares; the caller publishes the call (generation counter + Atomics.notify), then it and the workers
 * claim shares one at a time until none is left, and the caller Atomics.wait's until all claimed shares
 * are done. Which thread computes a share never changes what it computes, so results do not depend on the
 * thread count or on timing; a worker that is slow to wake (a loaded machine) simply gets fewer shares.
 *
 * A share that throws (a wasm trap, a missing export) marks the call failed: the remaining shares are
 * skipped and the caller throws an Error carrying the first failure's message. Workers are unref'd, so they
 * never keep the process alive.
 */
import { Worker } from 'node:worker_threads';

/** A kernel export: [module index, export name]. */
export type TeamFunction = readonly [module: number, name: string];

export interface RunOptions {
  /** Workers allowed to take shares (default all). */
  workers?: number;
  /** Whether the calling thread takes shares too (default true; false is for tests of worker failures). */
  caller?: boolean;
  /** Shares per participating thread (default 4): more balances a loaded machine, fewer re-reads shared data. */
  sharesPerThread?: number;
}

// Control block words.
const GENERATION = 0;
const FUNCTION = 1;
const UNITS = 2;
const SHARES = 3;
/** (generation tag << 16) | next share; next = CLOSED while a call is being written. */
const CLAIM = 4;
const DONE = 5;
/** 0 = running, 1 = the caller failed, 2 = a worker failed (message in the message block). */
const STATUS = 6;
const ACTIVE_WORKERS = 7;
const MESSAGE_LENGTH = 8;
const ARGUMENT_COUNT = 9;
const ARGUMENTS = 16;
export const MAX_ARGUMENTS = 48;
const CONTROL_WORDS = ARGUMENTS + MAX_ARGUMENTS;
const MESSAGE_BYTES = 4096;
const CLOSED = 0xffff;
export const MAX_SHARES = CLOSED - 1;
const TAG_MASK = 0x7fff;
/** How long the caller waits for the last share before declaring the team stuck. */
const STUCK_AFTER_MS = 10 * 60 * 1000;

// Plain JavaScript, evaluated in the worker, so it runs the same under tsx, vitest and compiled builds.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { memory, modules, functions, control, message, index } = workerData;
const ctrl = new Int32Array(control);
const text = new Uint8Array(message);
let fns;
let bootError;
try {
  const instances = modules.map((module) => new WebAssembly.Instance(module, { env: { memory } }));
  fns = functions.map(([moduleIndex, name]) => {
    const fn = instances[moduleIndex].exports[name];
    if (typeof fn !== 'function') throw new Error('kernel module ' + moduleIndex + ' exports no function ' + name);
    return fn;
  });
} catch (error) {
  bootError = error;
}
function fail(error) {
  if (Atomics.compareExchange(ctrl, ${STATUS}, 0, 2) !== 0) return;
  const bytes = new TextEncoder().encode('worker ' + index + ': ' + String((error && error.stack) || error));
  const length = Math.min(bytes.length, text.length);
  text.set(bytes.subarray(0, length));
  Atomics.store(ctrl, ${MESSAGE_LENGTH}, length);
}
function work(tag) {
  for (;;) {
    const claim = Atomics.load(ctrl, ${CLAIM});
    if ((claim >>> 16) !== tag) return;
    const share = claim & 0xffff;
    const shares = Atomics.load(ctrl, ${SHARES});
    if (share >= shares) return;
    const fn = Atomics.load(ctrl, ${FUNCTION});
    const units = Atomics.load(ctrl, ${UNITS});
    const count = Atomics.load(ctrl, ${ARGUMENT_COUNT});
    const args = new Array(count + 3);
    args[2] = index + 1;
    for (let i = 0; i < count; i++) args[i + 3] = Atomics.load(ctrl, ${ARGUMENTS} + i);
    // Claim only if the call is still the one just read.
    if (Atomics.compareExchange(ctrl, ${CLAIM}, claim, claim + 1) !== claim) continue;
    if (Atomics.load(ctrl, ${STATUS}) === 0) {
      try {
        if (bootError) throw bootError;
        args[0] = Math.floor((share * units) / shares);
        args[1] = Math.floor(((share + 1) * units) / shares);
        fns[fn](...args);
      } catch (error) {
        fail(error);
      }
    }
    if (Atomics.add(ctrl, ${DONE}, 1) + 1 === shares) Atomics.notify(ctrl, ${DONE});
  }
}
// From 0, so a worker that starts after the first call was published still joins it.
let seen = 0;
for (;;) {
  Atomics.wait(ctrl, ${GENERATION}, seen);
  seen = Atomics.load(ctrl, ${GENERATION});
  if (index < Atomics.load(ctrl, ${ACTIVE_WORKERS})) work(seen & ${TAG_MASK});
}
`;

export class KernelTeam {
  /** Threads that can take shares: the workers and the caller. */
  readonly threads: number;
  private readonly control: Int32Array;
  private readonly message: Uint8Array;
  private readonly workers: Worker[];
  private readonly callerFunctions: ((...args: number[]) => void)[];
  private readonly functionIds = new Map<string, number>();
  private readonly names: string[];
  private busy = false;

  constructor(memory: WebAssembly.Memory, modules: readonly WebAssembly.Module[], functions: readonly TeamFunction[], threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`a kernel team needs ≥ 1 thread, got ${threads}`);
    this.threads = threads;
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const message = new SharedArrayBuffer(MESSAGE_BYTES);
    this.control = new Int32Array(control);
    this.message = new Uint8Array(message);
    const instances = modules.map((module) => new WebAssembly.Instance(module, { env: { memory } }));
    this.callerFunctions = functions.map(([moduleIndex, name], id) => {
      const fn = instances[moduleIndex]?.exports[name];
      if (typeof fn !== 'function') throw new Error(`kernel module ${moduleIndex} exports no function ${name}`);
      this.functionIds.set(name, id);
      return fn as (...args: number[]) => void;
    });
    this.names = functions.map(([, name]) => name);
    const plainFunctions = functions.map(([moduleIndex, name]) => [moduleIndex, name]);
    this.workers = Array.from({ length: threads - 1 }, (_, index) => {
      const worker = new Worker(workerSource, {
        eval: true,
        workerData: { memory, modules: [...modules], functions: plainFunctions, control, message, index },
      });
      worker.unref();
      return worker;
    });
  }

  /**
   * Runs `name(begin, end, slot, ...args)` over units [0, units), split into shares across the team; returns
   * when all are done, or throws the first share's failure.
   */
  run(name: string, units: number, args: readonly number[], options: RunOptions = {}): void {
    const id = this.functionIds.get(name);
    if (id === undefined) throw new Error(`the kernel team has no function ${name}`);
    if (!Number.isInteger(units) || units < 0) throw new RangeError(`units must be a non-negative integer, got ${units}`);
    if (args.length > MAX_ARGUMENTS) throw new RangeError(`${args.length} arguments; a team call takes at most ${MAX_ARGUMENTS}`);
    if (units === 0) return;
    const workers = Math.min(options.workers ?? this.workers.length, this.workers.length);
    const caller = options.caller ?? true;
    const participants = workers + (caller ? 1 : 0);
    if (participants === 0) throw new RangeError('a team call needs the caller or at least one worker');
    if (participants === 1 && caller) {
      this.callerFunctions[id](0, units, 0, ...args);
      return;
    }
    if (this.busy) throw new Error('the kernel team is already running a call (re-entrant kernel call)');
    this.busy = true;
    try {
      this.dispatch(id, units, args, workers, caller, participants * (options.sharesPerThread ?? 4));
    } finally {
      this.busy = false;
    }
  }

  private dispatch(id: number, units: number, args: readonly number[], workers: number, caller: boolean, wanted: number): void {
    const c = this.control;
    const shares = Math.max(1, Math.min(units, wanted, MAX_SHARES));
    const generation = (Atomics.load(c, GENERATION) + 1) | 0;
    const tag = generation & TAG_MASK;
    // Close claims before rewriting the call, so a worker still in the previous call cannot take a new share.
    Atomics.store(c, CLAIM, (tag << 16) | CLOSED);
    Atomics.store(c, FUNCTION, id);
    Atomics.store(c, UNITS, units);
    Atomics.store(c, SHARES, shares);
    Atomics.store(c, ARGUMENT_COUNT, args.length);
    for (let i = 0; i < args.length; i++) Atomics.store(c, ARGUMENTS + i, args[i]);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, STATUS, 0);
    Atomics.store(c, MESSAGE_LENGTH, 0);
    Atomics.store(c, ACTIVE_WORKERS, workers);
    Atomics.store(c, CLAIM, tag << 16);
    Atomics.store(c, GENERATION, generation);
    Atomics.notify(c, GENERATION);

    let callerError: unknown;
    if (caller) {
      const fn = this.callerFunctions[id];
      for (;;) {
        const claim = Atomics.load(c, CLAIM);
        const share = claim & 0xffff;
        if (share >= shares) break;
        if (Atomics.compareExchange(c, CLAIM, claim, claim + 1) !== claim) continue;
        if (Atomics.load(c, STATUS) === 0) {
          try {
            fn(Math.floor((share * units) / shares), Math.floor(((share + 1) * units) / shares), 0, ...args);
          } catch (error) {
            callerError = error ?? new Error('a kernel share threw undefined');
            Atomics.compareExchange(c, STATUS, 0, 1);
          }
        }
        Atomics.add(c, DONE, 1);
      }
    }
    const started = performance.now();
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= shares) break;
      if (performance.now() - started > STUCK_AFTER_MS) {
        throw new Error(`kernel team: ${shares - done} of ${shares} shares unfinished after ${STUCK_AFTER_MS / 1000} s (a worker died?)`);
      }
      Atomics.wait(c, DONE, done, 1000);
    }
    if (callerError !== undefined) throw callerError;
    if (Atomics.load(c, STATUS) === 2) {
      const length = Atomics.load(c, MESSAGE_LENGTH);
      const text = new TextDecoder().decode(this.message.slice(0, length));
      throw new Error(`kernel ${this.names[id]} failed: ${text}`);
    }
  }

  /** Stops the workers (the team is unusable afterwards). */
  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
