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

/** One kernel on one set of input shapes, e.g. Multiply on [128,16,16,256] × [256]. */
export interface KernelShapeTime extends KernelTime {
  /** The input shapes, e.g. "[128,16,16,256] [256]". */
  inputs: string;
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
  /** The same time split by input shapes, slowest first. */
  shapes: KernelShapeTime[];
}

/** Profiles one call of `step` (one training step of `net` on `batch` examples; it must dispose what it makes). */
export async function profileTrainingStep(net: string, batch: number, step: () => unknown): Promise<StepProfile> {
  const started = performance.now();
  const profile = await tf.profile(async () => {
    await step();
  });
  const stepMs = performance.now() - started;
  const byKernel = new Map<string, KernelTime>();
  const byShape = new Map<string, KernelShapeTime>();
  for (const kernel of profile.kernels) {
    // `<op>__op` records an op with a custom gradient (fusedConv2d, softmaxCrossEntropy) as a whole; the kernels
    // it ran are recorded too, so counting it would count their time twice.
    if (kernel.name.endsWith('__op')) continue;
    const entry = byKernel.get(kernel.name) ?? { kernel: kernel.name, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += kernel.kernelTimeMs as number;
    byKernel.set(kernel.name, entry);
    const inputs = kernel.inputShapes.map((shape) => `[${shape ? shape.join(',') : ''}]`).join(' ');
    const key = `${kernel.name} ${inputs}`;
    const shaped = byShape.get(key) ?? { kernel: kernel.name, inputs, calls: 0, ms: 0 };
    shaped.calls += 1;
    shaped.ms += kernel.kernelTimeMs as number;
    byShape.set(key, shaped);
  }
  const kernels = [...byKernel.values()].sort((a, b) => b.ms - a.ms);
  const shapes = [...byShape.values()].sort((a, b) => b.ms - a.ms);
  return { net, batch, stepMs, kernelMs: kernels.reduce((sum, k) => sum + k.ms, 0), kernels, shapes };
}

/**
 * Kernels under `minShare` of the step are summed into one "other" row. `byShape`: one row per kernel and input
 * shapes (the `shapes` list) instead of one per kernel.
 */
export function formatStepProfile(profile: StepProfile, minShare = 0.002, byShape = false): string {
  const lines = [
    `${profile.net}, batch ${profile.batch}: step ${profile.stepMs.toFixed(0)} ms (profiled), kernels ${profile.kernelMs.toFixed(0)} ms`,
    `${'kernel'.padEnd(26)}${'calls'.padStart(6)}${'ms'.padStart(10)}${'share'.padStart(8)}`,
  ];
  const share = (ms: number) => `${((100 * ms) / Math.max(profile.kernelMs, 1e-9)).toFixed(1)}%`;
  const rows: (KernelTime & { inputs?: string })[] = byShape ? profile.shapes : profile.kernels;
  const shown = rows.filter((k) => k.ms >= minShare * profile.kernelMs);
  const rest = rows.filter((k) => k.ms < minShare * profile.kernelMs);
  for (const { kernel, calls, ms, inputs } of shown) {
    lines.push(`${kernel.padEnd(26)}${String(calls).padStart(6)}${ms.toFixed(1).padStart(10)}${share(ms).padStart(8)}${inputs === undefined ? '' : `  ${inputs}`}`);
  }
  if (rest.length > 0) {
    const ms = rest.reduce((sum, k) => sum + k.ms, 0);
    const calls = rest.reduce((sum, k) => sum + k.calls, 0);
    lines.push(`${`other (${rest.length} ${byShape ? 'rows' : 'kernels'})`.padEnd(26)}${String(calls).padStart(6)}${ms.toFixed(1).padStart(10)}${share(ms).padStart(8)}`);
  }
  return lines.join('\n');
}
