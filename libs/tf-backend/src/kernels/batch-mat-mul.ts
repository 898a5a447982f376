/**
 * BatchMatMul with a transposed operand (a dense layer's gradients: xᵀ·dy for the weights, dy·wᵀ for the
 * input).
 *
 * tfjs-backend-wasm sends every transposed product to a scalar loop (dy·wᵀ of a 128×512 by 512×4096 product
 * took 220 ms, 10× its untransposed twin); only untransposed operands reach XNNPACK's fully-connected
 * operator. Transposing explicitly first (a memory-bound copy) and multiplying on XNNPACK is an order of
 * magnitude faster.
 */
import { BatchMatMul, type BatchMatMulAttrs, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import { KernelRunner } from './kernel-runner.js';

/** Swaps the last two axes. */
const innerTranspose = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];

export function batchMatMulConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as BatchMatMulAttrs;
    const runner = new KernelRunner(backend as KernelBackend, backendName);
    try {
      const left = transposeA ? runner.run('Transpose', { x: a }, { perm: innerTranspose(a.shape.length) }) : a;
      const right = transposeB ? runner.run('Transpose', { x: b }, { perm: innerTranspose(b.shape.length) }) : b;
      return runner.keep(runner.runPackageKernel(BatchMatMul, { a: left, b: right }, { transposeA: false, transposeB: false }));
    } finally {
      runner.dispose();
    }
  };
  return { kernelName: BatchMatMul, backendName, kernelFunc: kernelFunc as KernelFunc };
}
