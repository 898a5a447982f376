/**
 * Loads the threaded-SIMD Emscripten build of `@tensorflow/tfjs-backend-wasm` under Node with real file paths.
 *
 * The package's own loader refuses threads under Node (its WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired to
 * false there) and, when forced, hands Emscripten a `blob:` URL for the pthread worker, which `worker_threads`
 * cannot start. Here the worker script is written to a real file and the module's `.wasm` and main script are
 * given as absolute paths, so Emscripten's pthread pool starts under Node.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';

const require = createRequire(import.meta.url);

/** The subset of the Emscripten module that the tfjs wasm backend and ktlab use. */
export interface TfjsWasmModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  /** The module's (shared) memory; ktlab's AssemblyScript kernels import it to work on tensors in place. */
  wasmMemory: WebAssembly.Memory;
  PThread?: { terminateAllThreads(): void };
  tfjs: {
    init(): void;
    initWithThreadsCount(threads: number): void;
    getThreadsCount(): number;
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
    dispose(): void;
  };
}

type EmscriptenFactory = (config: Record<string, unknown>) => Promise<TfjsWasmModule>;

const THREADED_SIMD = 'tfjs-backend-wasm-threaded-simd';

/** Directory of the package's Emscripten outputs (`wasm-out/`), resolved through Node's module resolution. */
export function wasmOutDirectory(): string {
  return dirname(require.resolve(`@tensorflow/tfjs-backend-wasm/wasm-out/${THREADED_SIMD}.js`));
}

/**
 * The pthread worker's source ships as a string export; Node's worker_threads needs it as a file. The file
 * name carries a hash of the contents so concurrent processes and package upgrades never see a stale file.
 */
function materialiseWorkerScript(outDir: string): string {
  const { wasmWorkerContents } = require(join(outDir, `${THREADED_SIMD}.worker.js`)) as { wasmWorkerContents: string };
  // The string holds real newlines where the script had `\n` escapes inside string literals; restore them.
  const source = wasmWorkerContents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const directory = join(tmpdir(), 'ktlab-tf-backend');
  const path = join(directory, `${THREADED_SIMD}.worker.${hash}.cjs`);
  if (!existsSync(path)) {
    mkdirSync(directory, { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, source);
    // rename is atomic: a concurrent loader sees either no file or the whole file.
    renameSync(partial, path);
  }
  return path;
}

/**
 * The module's C++ caps XNNPACK's thread pool at half the logical cores it sees at start-up (it assumes
 * hyper-threading) and reads that count once, from `os.cpus().length`, while its static constructors run.
 * Reporting `2 × threads` cores for the duration of instantiation lifts the cap to exactly `threads`.
 */
async function withReportedLogicalCores<T>(cores: number, run: () => Promise<T>): Promise<T> {
  const os = require('node:os') as typeof import('node:os');
  const realCpus = os.cpus;
  const cpus = realCpus();
  const template = cpus[0] ?? { model: 'unknown', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
  os.cpus = () => Array.from({ length: cores }, (_, i) => cpus[i] ?? template);
  try {
    return await run();
  } finally {
    os.cpus = realCpus;
  }
}

/**
 * Instantiates the threaded-SIMD module so that its XNNPACK pool can use `threads` threads (at most 8: the
 * module pre-creates 8 pthread workers). The pool itself is created by `BackendWasm`'s constructor, which
 * must be given the same count through the package's `setThreadsCount`.
 */
export async function loadThreadedSimdModule(threads: number): Promise<TfjsWasmModule> {
  const outDir = wasmOutDirectory();
  const mainScript = join(outDir, `${THREADED_SIMD}.js`);
  const wasmBinary = join(outDir, `${THREADED_SIMD}.wasm`);
  const workerScript = materialiseWorkerScript(outDir);
  const factory = require(mainScript) as EmscriptenFactory;
  let abortReason: unknown;
  const module = await withReportedLogicalCores(2 * threads, () => factory({
    locateFile: (file: string) => {
      if (file.endsWith('.worker.js')) return workerScript;
      if (file.endsWith('.wasm')) return wasmBinary;
      return join(outDir, file);
    },
    mainScriptUrlOrBlob: mainScript,
    wasmBinary: readFileSync(wasmBinary),
    onAbort: (reason: unknown) => {
      abortReason = reason;
    },
  }));
  if (abortReason !== undefined) throw new Error(`the threaded wasm module aborted while loading: ${String(abortReason)}`);
  module.tfjs = {
    init: module.cwrap('init', null, []) as () => void,
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']) as (n: number) => void,
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']) as TfjsWasmModule['tfjs']['registerTensor'],
    disposeData: module.cwrap('dispose_data', null, ['number']) as (id: number) => void,
    dispose: module.cwrap('dispose', null, []) as () => void,
  };
  return module;
}
