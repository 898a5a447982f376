/**
 * Fault injection for the lease tests: `KTLAB_TEST_BUSY_STEP_MS=<ms>` makes every step of the worker check
 * (smoke job) hold the main thread in a synchronous busy loop for that long — what a long synchronous
 * TensorFlow.js kernel does to the event loop. Honoured only under a test runner, like KTLAB_TEST_SIGKILL_AT.
 */
import { z } from 'zod';
import { underTestRunner } from './test-kill-switch';

const busyStepMsSchema = z.coerce.number().int().min(0).max(600_000);

/** The busy time per step the environment asks for; 0 when unset or outside a test runner. */
export function busyStepMsFromEnv(env: NodeJS.ProcessEnv = process.env, log: (message: string) => void = console.log): number {
  const spec = env.KTLAB_TEST_BUSY_STEP_MS;
  if (!spec) return 0;
  if (!underTestRunner(env)) {
    log('KTLAB_TEST_BUSY_STEP_MS ignored: fault injection works only under a test runner');
    return 0;
  }
  const parsed = busyStepMsSchema.safeParse(spec);
  if (!parsed.success) throw new Error(`KTLAB_TEST_BUSY_STEP_MS: expected whole milliseconds from 0 to 600000, got "${spec}"`);
  return parsed.data;
}

/** Keeps this thread busy for `ms` without ever yielding: no timer, I/O callback or message runs meanwhile. */
export function blockThisThread(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning on purpose
  }
}
