/**
 * The host's OpenBLAS (Debian `libopenblas0-pthread`), called through the koffi FFI on views of the tfjs wasm
 * heap — no copies: koffi hands the native code a pointer into the module's (shared) memory.
 *
 * WebAssembly SIMD is 128 bits wide; OpenBLAS's kernels use the machine's full width (AVX2, AVX-512), which is
 * what ktlab-wasm's convolutions cannot reach on their own. Loading is optional: when the library, koffi's
 * prebuilt binary or the self-test fails, `loadOpenBlas` says why and ktlab-wasm keeps its own kernels.
 *
 * OpenBLAS 0.3.21 does not recognise some recent CPU models and falls back to its SSE3 ("Prescott") kernels,
 * 3–5× slower; so unless OPENBLAS_CORETYPE is already set (the environment may set it where a kernel is known
 * to misbehave), the core type is chosen from the CPU's flags for the moment the library loads. Every load
 * ends with a product checked against a reference computed in JavaScript.
 */
import { importKoffi } from './koffi';
import { existsSync } from 'node:fs';
import { cpuHost, type CpuHost } from './cpu-host.js';

export interface NativeGemm {
  readonly library: string;
  /** OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64". */
  readonly config: string;
  /** The kernel set in use, e.g. "Haswell", "SkylakeX". */
  readonly coreType: string;
  readonly threads: number;
  /**
   * Row-major C[m×n] = alpha · op(A) · op(B) + beta · C, op(X) = Xᵀ when its flag is set; `a`, `b`, `c` are views
   * whose first element is the matrix's first element, with leading dimensions lda, ldb, ldc.
   */
  sgemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    b: Float32Array,
    ldb: number,
    beta: number,
    c: Float32Array,
    ldc: number,
  ): void;
}

/** Where Debian and most distributions put the library; KTLAB_OPENBLAS names another. */
export const OPENBLAS_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0',
  '/usr/lib/x86_64-linux-gnu/libopenblas.so.0',
  '/usr/lib64/libopenblas.so.0',
  '/usr/lib/libopenblas.so.0',
];

/** The apt package that gives ktlab full CPU speed, named in messages and the README. */
export const OPENBLAS_APT_PACKAGE = 'libopenblas0-pthread';

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** OpenBLAS's core type for this CPU, or undefined to let the library detect it. */
export function coreTypeFor(host: Pick<CpuHost, 'isa' | 'bf16'>): string | undefined {
  if (host.isa === 'avx512') return host.bf16 ? 'Cooperlake' : 'SkylakeX';
  if (host.isa === 'avx2') return 'Haswell';
  return undefined;
}

function findLibrary(): string {
  const explicit = process.env.KTLAB_OPENBLAS;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`KTLAB_OPENBLAS=${explicit} does not exist`);
    return explicit;
  }
  const found = OPENBLAS_CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error(`OpenBLAS is not installed (apt-get install ${OPENBLAS_APT_PACKAGE})`);
  return found;
}

/** Runs `body` with OPENBLAS_CORETYPE set to `coreType` (when given and not set already), then restores the environment. */
function withCoreType<T>(coreType: string | undefined, body: () => T): T {
  if (coreType === undefined || process.env.OPENBLAS_CORETYPE) return body();
  process.env.OPENBLAS_CORETYPE = coreType;
  try {
    return body();
  } finally {
    delete process.env.OPENBLAS_CORETYPE;
  }
}

/** A 37×29 · (23×29)ᵀ product with both layouts exercised, against a float64 reference. */
function selfTest(gemm: NativeGemm): void {
  const m = 37;
  const n = 23;
  const k = 29;
  const a = new Float32Array(k * m); // stored transposed: [k, m]
  const b = new Float32Array(n * k); // stored transposed: [n, k]
  for (let i = 0; i < a.length; i++) a[i] = Math.sin(i * 0.37) * 2;
  for (let i = 0; i < b.length; i++) b[i] = Math.cos(i * 0.11) - 0.25;
  const c = new Float32Array(m * n).fill(1);
  gemm.sgemm(true, true, m, n, k, 1, a, m, b, k, 0.5, c, n);
  let worst = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let expected = 0.5;
      for (let p = 0; p < k; p++) expected += a[p * m + i] * b[j * k + p];
      worst = Math.max(worst, Math.abs(expected - c[i * n + j]) / (1 + Math.abs(expected)));
    }
  }
  if (!(worst < 1e-4)) throw new Error(`OpenBLAS (${gemm.coreType}) failed its self-test: relative error ${worst}`);
}

interface KoffiModule {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
}

let loaded: Promise<NativeGemm> | undefined;

/** Loads OpenBLAS once per process with `threads` threads (later calls get the same library). */
export function loadOpenBlas(threads: number): Promise<NativeGemm> {
  loaded ??= (async () => {
    const library = findLibrary();
    const koffi = await importKoffi<KoffiModule>();
    const handle = withCoreType(coreTypeFor(cpuHost()), () => koffi.load(library));
    const cblasSgemm = handle.func('void cblas_sgemm(int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int)');
    const setThreads = handle.func('void openblas_set_num_threads(int)');
    const coreName = handle.func('const char* openblas_get_corename()');
    const configOf = handle.func('const char* openblas_get_config()');
    const threadsOf = handle.func('int openblas_get_num_threads()');
    setThreads(threads);
    const gemm: NativeGemm = {
      library,
      config: String(configOf()),
      coreType: String(coreName()),
      threads: Number(threadsOf()),
      sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
        if (m === 0 || n === 0) return;
        cblasSgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
      },
    };
    selfTest(gemm);
    return gemm;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}
