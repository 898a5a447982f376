/**
 * Child process of webgpu-selection.test.ts: probes webgpu as `selectBackend`'s automatic order does (a software
 * adapter is declined), then idles 1.5 s and prints the CPU time that took, then returns without exiting: the
 * process must end by itself (Dawn must leave no thread or handle that keeps it alive or busy).
 */
import { registerWebGpuBackend } from './webgpu-backend.js';

const outcome = await registerWebGpuBackend().then(
  (runtime) => `accepted: ${runtime.adapter.description}`,
  (error: Error) => `declined: ${error.message}`,
);
const before = process.cpuUsage();
const started = performance.now();
await new Promise((resolve) => setTimeout(resolve, 1500));
const used = process.cpuUsage(before);
console.log(JSON.stringify({ outcome, idleCpuMs: (used.user + used.system) / 1000, idleWallMs: performance.now() - started }));
