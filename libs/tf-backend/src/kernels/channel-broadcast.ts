/**
 * Add, Sub, Multiply and RealDiv between a tensor [..., c] and a per-channel vector ([c], or [1, …, 1, c]) or a
 * scalar, on ktlab's SIMD kernel, rows split across the kernel team. Batch norm's forward statistics and its gradient are
 * made of such ops; the package runs them through a generic broadcasting loop (a [64, 11, 11, 24] × [24]
 * product took ~7 ms, about 30 Mflop/s). Every other shape or dtype keeps the package kernel.
 */
import { Add, Multiply, RealDiv, Sub, util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { convRunOptions } from '../wasm/conv-team.js';
import { KernelRunner } from './kernel-runner.js';
import { WasmHeap } from './wasm-heap.js';

const OPS = { [Add]: 0, [Sub]: 1, [Multiply]: 2, [RealDiv]: 3 } as const;
type ChannelOpKernel = keyof typeof OPS;

/** Whether `shape` is a channel vector for a tensor whose last axis has `channels` entries: [c] or [1, …, 1, c]. */
export function isChannelVector(shape: number[], channels: number): boolean {
  return shape.length >= 1 && shape[shape.length - 1] === channels && shape.slice(0, -1).every((d) => d === 1);
}

/** Rows of this many floats for a scalar operand: the scalar is repeated into a vector of that length. */
const SCALAR_ROW = 16;

/**
 * Which operand is the full tensor and which the vector, when the op is a channel broadcast — or a scalar one
 * (a size-1 operand, e.g. batch norm's gradient divided by the element count), seen as rows of SCALAR_ROW
 * floats against the scalar repeated; else undefined.
 */
export function channelBroadcast(aShape: number[], bShape: number[]): { full: 'a' | 'b'; rows: number; channels: number; scalar: boolean } | undefined {
  for (const [full, fullShape, vectorShape] of [
    ['a', aShape, bShape],
    ['b', bShape, aShape],
  ] as const) {
    if (fullShape.length < 2 || vectorShape.length > fullShape.length) continue;
    const size = util.sizeFromShape(fullShape);
    if (util.sizeFromShape(vectorShape) === 1 && size > 1 && size % SCALAR_ROW === 0) {
      return { full, rows: size / SCALAR_ROW, channels: SCALAR_ROW, scalar: true };
    }
    const channels = fullShape[fullShape.length - 1]!;
    const rows = util.sizeFromShape(fullShape.slice(0, -1));
    if (rows > 1 && channels > 0 && isChannelVector(vectorShape, channels)) return { full, rows, channels, scalar: false };
  }
  return undefined;
}

function channelOpConfig(kernelName: ChannelOpKernel, backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const plan = a.dtype === 'float32' && b.dtype === 'float32' ? channelBroadcast(a.shape, b.shape) : undefined;
    if (!plan) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(kernelName, inputs, attrs));
    }
    const heap = new WasmHeap(backend as KernelBackend);
    const [full, vector] = plan.full === 'a' ? [a, b] : [b, a];
    const repeated = plan.scalar ? heap.allocate([plan.channels], 'float32') : undefined;
    try {
      if (repeated) (heap.elements(repeated) as Float32Array).fill(heap.elements(vector)[0]!);
      const out = heap.allocate([...full.shape], 'float32');
      heap
        .convTeam()
        .run(
          'channelOp',
          plan.rows,
          [heap.offsetOf(full), heap.offsetOf(repeated ?? vector), heap.offsetOf(out), plan.channels, OPS[kernelName], plan.full === 'b' ? 1 : 0],
          convRunOptions(),
        );
      return out;
    } finally {
      if (repeated) heap.free(repeated);
    }
  };
  return { kernelName, backendName, kernelFunc: kernelFunc as KernelFunc };
}

export const channelOpConfigs = (backendName: string): KernelConfig[] =>
  ([Add, Sub, Multiply, RealDiv] as const).map((name) => channelOpConfig(name, backendName));
