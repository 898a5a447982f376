/**
 * A training step's awaits (`context.metric(…)`) resolve as microtasks and TensorFlow.js kernels on the wasm
 * backend are synchronous, so without help a whole epoch runs without returning to the event loop: no timer
 * fires, no answer is read — metrics and logs would ship only at the epoch's end, and a cancel or a lost lease
 * (answers of the trainer's heartbeat thread) would land there too. Awaiting this once per step yields a
 * macrotask whenever `everyMs` have passed since the last one: a few per second, a negligible cost.
 */
export function eventLoopYielder(everyMs: number, now: () => number = () => performance.now()): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = now();
  };
}
