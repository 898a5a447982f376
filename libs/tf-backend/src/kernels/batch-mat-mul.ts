/**
 * BatchMatMul whose left operand is transposed (the weight gradient of a dense layer, xᵀ·dy).
 *
 * tfjs-backend-wasm sends transposeA products to a scalar loop; only untransposed A reaches XNNPACK's
 * fully-connected operator. Transposing A explicitly first (a memory-bound copy) and multiplying on XNNPACK
 * is an order of magnitude faster. Other products keep the package's kernel.
 */
import { BatchMatMul, type BatchMatMulAttrs, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { KernelRunner } from './kernel-runner.js';

export function batchMatMulConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const runner = new KernelRunner(backend as KernelBackend, backendName);
    try {
      if (!transposeA) return runner.keep(runner.runPackageKernel(BatchMatMul, inputs, attrs));
      const rank = a.shape.length;
      const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
      const aT = runner.run('Transpose', { x: a }, { perm });
      return runner.keep(runner.runPackageKernel(BatchMatMul, { a: aT, b }, { transposeA: false, transposeB }));
    } finally {
      runner.dispose();
    }
  };
  return { kernelName: BatchMatMul, backendName, kernelFunc: kernelFunc as KernelFunc };
}
