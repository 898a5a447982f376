/**
 * Test helper: the host's oneDNN for the oneDNN convolution tests. Without it the tests are skipped locally with
 * the reason and how to install it; in CI (CI=true) a missing library is a failure, never a silent pass.
 */
import { loadOneDnn, ONEDNN_APT_PACKAGE, type OneDnn } from '../native/onednn.js';

export interface OneDnnForTests {
  dnn?: OneDnn;
  /** Why `dnn` is missing. */
  skipped?: string;
}

export async function oneDnnForTests(threads: number): Promise<OneDnnForTests> {
  try {
    return { dnn: await loadOneDnn(threads) };
  } catch (error) {
    const reason = `${(error as Error).message} — install it with apt-get install ${ONEDNN_APT_PACKAGE} to run the oneDNN tests`;
    if (process.env.CI === 'true') throw new Error(`CI needs oneDNN for the oneDNN convolution tests: ${reason}`);
    console.warn(`skipping oneDNN tests: ${reason}`);
    return { skipped: reason };
  }
}
