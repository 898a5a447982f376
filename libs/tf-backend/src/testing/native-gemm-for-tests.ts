/**
 * Test helper: the host's OpenBLAS for the native-GEMM tests. Without it the tests are skipped locally with
 * the reason and how to install it; in CI (CI=true) a missing library is a failure, never a silent pass.
 */
import { loadOpenBlas, OPENBLAS_APT_PACKAGE, type NativeGemm } from '../native/openblas.js';

export interface NativeGemmForTests {
  gemm?: NativeGemm;
  /** Why `gemm` is missing. */
  skipped?: string;
}

export async function nativeGemmForTests(threads: number): Promise<NativeGemmForTests> {
  try {
    return { gemm: await loadOpenBlas(threads) };
  } catch (error) {
    const reason = `${(error as Error).message} — install it with apt-get install ${OPENBLAS_APT_PACKAGE} to run the native GEMM tests`;
    if (process.env.CI === 'true') throw new Error(`CI needs OpenBLAS for the native GEMM tests: ${reason}`);
    console.warn(`skipping native GEMM tests: ${reason}`);
    return { skipped: reason };
  }
}
