/**
 * Transpose of float32 and int32 tensors on ktlab's AssemblyScript SIMD kernel, in place on the wasm heap.
 *
 * The package's kernel moves one element at a time with index arithmetic (16-100 M elements/s measured on
 * the layouts a training step needs); a step transposes every conv layer's input and output gradient for
 * the filter gradient and the dense weights for the input gradient (~0.5 s of a 4 s AlexNet-style step).
 * Merged-axis plans (transpose-plan.ts) become contiguous run copies or tiled 4×4 SIMD transposes. Other
 * dtypes and plans of merged rank > 4 keep the package kernel.
 */
import { Transpose, util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo, type TransposeAttrs } from '@tensorflow/tfjs';
import { KernelRunner } from './kernel-runner.js';
import { planTranspose } from './transpose-plan.js';
import { WasmHeap } from './wasm-heap.js';

export function transposeConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const { perm } = attrs as unknown as TransposeAttrs;
    const plan = x.dtype === 'float32' || x.dtype === 'int32' ? planTranspose(x.shape, perm) : undefined;
    if (plan === undefined) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(Transpose, inputs, attrs));
    }
    const heap = new WasmHeap(backend as KernelBackend);
    const out = heap.allocate(
      perm.map((axis) => x.shape[axis]),
      x.dtype,
    );
    if (util.sizeFromShape(x.shape) === 0) return out;
    const [source, target] = [heap.offsetOf(x), heap.offsetOf(out)];
    if (plan.kind === 'copy') {
      heap.kernels.copyRuns(source, target, ...plan.sizes, plan.run, ...plan.strides);
    } else {
      heap.kernels.transposeTiles(
        source,
        target,
        ...plan.outer,
        plan.rows,
        plan.columns,
        ...plan.inStrides,
        ...plan.outStrides,
        plan.inStrideJ,
        plan.outStrideQ,
      );
    }
    return out;
  };
  return { kernelName: Transpose, backendName, kernelFunc: kernelFunc as KernelFunc };
}
