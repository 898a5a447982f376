/**
 * BatchMatMul: on the native GEMM when the host has one (transposes folded into the GEMM call), else with
 * transposed operands copied first.
 *
 * tfjs-backend-wasm sends every transposed product to a scalar loop (dy·wᵀ of a 128×512 by 512×4096 product
 * took 220 ms, 10× its untransposed twin); only untransposed operands reach XNNPACK's fully-connected
 * operator. Without a native GEMM, transposing explicitly first (a memory-bound copy) and multiplying on
 * XNNPACK is an order of magnitude faster.
 */
import {
  BatchMatMul,
  _FusedMatMul,
  util,
  type _FusedMatMulAttrs,
  type BatchMatMulAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { convRunOptions } from '../wasm/conv-team.js';
import type { NativeGemm } from '../native/openblas.js';
import { KernelRunner } from './kernel-runner.js';
import { activeNativeGemm } from './native-gemm-engine.js';
import { WasmHeap } from './wasm-heap.js';

/** Swaps the last two axes. */
const innerTranspose = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];

/**
 * The product on the native GEMM, or undefined when the operands' batch axes need general broadcasting (then
 * the package kernel runs it). Leading axes are flattened; one side may have a single batch that meets every
 * batch of the other.
 */
function nativeBatchMatMul(heap: WasmHeap, gemm: NativeGemm, a: TensorInfo, b: TensorInfo, attrs: BatchMatMulAttrs): TensorInfo | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const aBatch = util.sizeFromShape(aOuter);
  const bBatch = util.sizeFromShape(bOuter);
  if (aBatch !== bBatch && aBatch !== 1 && bBatch !== 1) return undefined;
  if (aBatch === bBatch && aOuter.length !== bOuter.length && aBatch !== 1) return undefined;
  const [aRows, aColumns] = a.shape.slice(-2);
  const [bRows, bColumns] = b.shape.slice(-2);
  const m = attrs.transposeA ? aColumns : aRows;
  const k = attrs.transposeA ? aRows : aColumns;
  const n = attrs.transposeB ? bRows : bColumns;
  if ((attrs.transposeB ? bColumns : bRows) !== k) return undefined;
  const batch = Math.max(aBatch, bBatch);
  const outer = aBatch >= bBatch ? aOuter : bOuter;
  const out = heap.allocate([...outer, m, n], 'float32');
  const outOffset = heap.offsetOf(out);
  if (batch * m * n === 0) return out;
  if (k === 0) {
    heap.elements(out).fill(0);
    return out;
  }
  const aOffset = heap.offsetOf(a);
  const bOffset = heap.offsetOf(b);
  for (let i = 0; i < batch; i++) {
    const aStart = aBatch === 1 ? 0 : i * m * k;
    const bStart = bBatch === 1 ? 0 : i * k * n;
    gemm.sgemm(
      attrs.transposeA, attrs.transposeB, m, n, k, 1,
      heap.floats(aOffset + aStart * 4, m * k), aColumns,
      heap.floats(bOffset + bStart * 4, k * n), bColumns,
      0, heap.floats(outOffset + i * m * n * 4, m * n), n,
    );
  }
  return out;
}

export function batchMatMulConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const matMulAttrs = attrs as unknown as BatchMatMulAttrs;
    const gemm = activeNativeGemm();
    if (gemm) {
      const result = nativeBatchMatMul(new WasmHeap(backend as KernelBackend), gemm, a, b, matMulAttrs);
      if (result) return result;
    }
    const { transposeA, transposeB } = matMulAttrs;
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

/**
 * _FusedMatMul (a dense layer's forward pass: product, bias, activation) on the native GEMM for a [n] bias and a
 * linear or ReLU activation; everything else runs the package's kernel.
 */
export function fusedMatMulConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { a, b, bias, preluActivationWeights } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const fused = attrs as unknown as _FusedMatMulAttrs;
    const activation = fused.activation ?? 'linear';
    const gemm = activeNativeGemm();
    const columns = fused.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    const biasFits = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === columns);
    if (gemm && biasFits && preluActivationWeights == null && (activation === 'linear' || activation === 'relu')) {
      const heap = new WasmHeap(backend as KernelBackend);
      const out = nativeBatchMatMul(heap, gemm, a, b, fused);
      if (out) {
        const rows = util.sizeFromShape(out.shape.slice(0, -1));
        if ((bias || activation === 'relu') && rows * columns > 0) {
          heap.convTeam().run('biasActivation', rows, [heap.offsetOf(out), bias ? heap.offsetOf(bias) : 0, columns, activation === 'relu' ? 1 : 0], convRunOptions());
        }
        return out;
      }
    }
    const runner = new KernelRunner(backend as KernelBackend, backendName);
    return runner.keep(runner.runPackageKernel(_FusedMatMul, inputs, attrs));
  };
  return { kernelName: _FusedMatMul, backendName, kernelFunc: kernelFunc as KernelFunc };
}
