/**
 * Sum and Mean over leading axes (the bias gradient: an NHWC tensor summed over N, H and W; batch-norm
 * statistics: its mean over them; a dense layer's gradient: over the batch) as column sums on ktlab's
 * AssemblyScript SIMD kernel, split by columns over the kernel team, in place on the wasm heap. The package
 * reduces only innermost axes, so it first transposes the whole tensor to put the channels outermost. Other reductions and dtypes keep the package kernel.
 */
import { Mean, Sum, util, type KernelBackend, type KernelConfig, type KernelFunc, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs';
import { convRunOptions } from '../wasm/conv-team.js';
import { KernelRunner } from './kernel-runner.js';
import { WasmHeap } from './wasm-heap.js';

/** Columns per unit of the team's columnSum (assembly/conv.ts). */
const COLUMNS_PER_UNIT = 16;

/** How many leading axes `axes` reduces, when it reduces exactly the first k < rank axes; else undefined. */
export function leadingReducedAxes(axes: number[], rank: number): number | undefined {
  const sorted = [...new Set(axes)].sort((a, b) => a - b);
  if (sorted.length === 0 || sorted.length >= rank) return undefined;
  return sorted.every((axis, i) => axis === i) ? sorted.length : undefined;
}

function leadingReductionConfig(kernelName: typeof Sum | typeof Mean, backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    const reduced = leadingReducedAxes(util.parseAxisParam(axis, x.shape), x.shape.length);
    if (x.dtype !== 'float32' || reduced === undefined || util.sizeFromShape(x.shape) === 0) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(kernelName, inputs, attrs));
    }
    const kept = x.shape.slice(reduced);
    const rows = util.sizeFromShape(x.shape.slice(0, reduced));
    const columns = util.sizeFromShape(kept);
    const heap = new WasmHeap(backend as KernelBackend);
    const out = heap.allocate(keepDims ? [...Array<number>(reduced).fill(1), ...kept] : kept, 'float32');
    heap.convTeam().run('columnSum', Math.ceil(columns / COLUMNS_PER_UNIT), [heap.offsetOf(x), heap.offsetOf(out), rows, columns], convRunOptions());
    if (kernelName === Mean) {
      const values = heap.elements(out);
      for (let i = 0; i < values.length; i++) values[i] /= rows;
    }
    return out;
  };
  return { kernelName, backendName, kernelFunc: kernelFunc as KernelFunc };
}

export const sumConfig = (backendName: string): KernelConfig => leadingReductionConfig(Sum, backendName);
export const meanConfig = (backendName: string): KernelConfig => leadingReductionConfig(Mean, backendName);
