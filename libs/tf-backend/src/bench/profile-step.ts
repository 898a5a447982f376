/**
 * Where one training step's time goes, by kernel: `profileTrainingStep` runs one step under tf.profile and sums
 * kernel time per kernel name (wasm kernels are synchronous, so their wall time is their cost).
 * `formatStepProfile` renders it as the table the train bench prints with `--profile` for each of its nets.
 */
import * as tf from '@tensorflow/tfjs';

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

export interface StepProfile {
  net: string;
  batch: number;
  /** Wall time of the profiled step (includes tf.profile's own bookkeeping). */
  stepMs: number;
  /** Sum of kernel times. */
  kernelMs: number;
  /** Slowest first. */
  kernels: KernelTime[];
}

/** Profiles one call of `step` (one training step of `net` on `batch` examples; it must dispose what it makes). */
export async function profileTrainingStep(net: string, batch: number, step: () => unknown): Promise<StepProfile> {
  const started = performance.now();
  const profile = await tf.profile(async () => {
    await step();
  });
  const stepMs = performance.now() - started;
  const byKernel = new Map<string, KernelTime>();
  for (const kernel of profile.kernels) {
    // `<op>__op` records an op with a custom gradient (fusedConv2d, softmaxCrossEntropy) as a whole; the kernels
    // it ran are recorded too, so counting it would count their time twice.
    if (kernel.name.endsWith('__op')) continue;
    const entry = byKernel.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += kernel.kernelTimeMs as number;
    byKernel.set(kernel.name, entry);
  }
  const kernels = [...byKernel.values()].sort((a, b) => b.ms - a.ms);
  return { net, batch, stepMs, kernelMs: kernels.reduce((sum, k) => sum + k.ms, 0), kernels };
}

/** Kernels under `minShare` of the step are summed into one "other" row. */
export function formatStepProfile(profile: StepProfile, minShare = 0.002): string {
  const lines = [
    `${profile.net}, batch ${profile.batch}: step ${profile.stepMs.toFixed(0)} ms (profiled), kernels ${profile.kernelMs.toFixed(0)} ms`,
    `${'kernel'.padEnd(26)}${'calls'.padStart(6)}${'ms'.padStart(10)}${'share'.padStart(8)}`,
  ];
  const share = (ms: number) => `${((100 * ms) / Math.max(profile.kernelMs, 1e-9)).toFixed(1)}%`;
  const shown = profile.kernels.filter((k) => k.ms >= minShare * profile.kernelMs);
  const rest = profile.kernels.filter((k) => k.ms < minShare * profile.kernelMs);
  for (const { kernel, calls, ms } of shown) {
    lines.push(`${kernel.padEnd(26)}${String(calls).padStart(6)}${ms.toFixed(1).padStart(10)}${share(ms).padStart(8)}`);
  }
  if (rest.length > 0) {
    const ms = rest.reduce((sum, k) => sum + k.ms, 0);
    const calls = rest.reduce((sum, k) => sum + k.calls, 0);
    lines.push(`${`other (${rest.length} kernels)`.padEnd(26)}${String(calls).padStart(6)}${ms.toFixed(1).padStart(10)}${share(ms).padStart(8)}`);
  }
  return lines.join('\n');
}
