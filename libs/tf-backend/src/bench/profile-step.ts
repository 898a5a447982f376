/**
 * Where one training step's time goes, by kernel: `profileTrainingStep` runs one step of a reference net
 * under tf.profile and sums kernel time per kernel name (wasm kernels are synchronous, so their wall time
 * is their cost). `formatStepProfile` renders it as the table the train bench prints with `--profile`.
 * `npm run bench -- train --profile` prints it for both bench nets before timing them.
 */
import * as tf from '@tensorflow/tfjs';
import { trainingStep, type ReferenceNet } from './reference-nets.js';

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

export interface StepProfile {
  net: ReferenceNet['name'];
  batch: number;
  /** Wall time of the profiled step (includes tf.profile's own bookkeeping). */
  stepMs: number;
  /** Sum of kernel times. */
  kernelMs: number;
  /** Slowest first. */
  kernels: KernelTime[];
}

export async function profileTrainingStep(
  net: ReferenceNet,
  optimizer: tf.Optimizer,
  input: tf.Tensor,
  labels: tf.Tensor1D,
): Promise<StepProfile> {
  const started = performance.now();
  const profile = await tf.profile(() => trainingStep(net, optimizer, input, labels));
  const stepMs = performance.now() - started;
  const byKernel = new Map<string, KernelTime>();
  for (const kernel of profile.kernels) {
    const entry = byKernel.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += kernel.kernelTimeMs as number;
    byKernel.set(kernel.name, entry);
  }
  const kernels = [...byKernel.values()].sort((a, b) => b.ms - a.ms);
  return { net: net.name, batch: input.shape[0], stepMs, kernelMs: kernels.reduce((sum, k) => sum + k.ms, 0), kernels };
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
