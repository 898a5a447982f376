/**
 * FusedBatchNorm (normalisation with given statistics), Relu and Square as single SIMD passes on the kernel
 * team. In a batch-norm net's training step these run on every activation; the package's kernels took 15–30% of
 * a width-0.25 step. FusedBatchNorm folds its four vectors into one scale and shift per channel first:
 * out = x · a + b, a = scale / √(variance + ε), b = offset − mean · a. Other shapes and dtypes keep the package.
 */
import {
  FusedBatchNorm,
  Relu,
  Square,
  util,
  type FusedBatchNormAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { convRunOptions } from '../wasm/conv-team.js';
import { isChannelVector } from './channel-broadcast.js';
import { KernelRunner } from './kernel-runner.js';
import { WasmHeap } from './wasm-heap.js';

/** Elements per unit of the elementwise kernel (assembly/conv.ts elementwise). */
const ELEMENTS_PER_UNIT = 4096;

/** An absent operand, or a float32 per-channel vector. */
const fitsChannels = (tensor: TensorInfo | undefined, channels: number) => tensor === undefined || (tensor.dtype === 'float32' && isChannelVector(tensor.shape, channels));

export function fusedBatchNormConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, mean, variance, offset, scale } = inputs as { x: TensorInfo; mean: TensorInfo; variance: TensorInfo; offset?: TensorInfo; scale?: TensorInfo };
    const channels = x.shape[x.shape.length - 1] ?? 0;
    const rows = util.sizeFromShape(x.shape.slice(0, -1));
    if (x.dtype !== 'float32' || x.shape.length < 2 || channels === 0 || rows === 0 || ![mean, variance, offset, scale].every((v) => fitsChannels(v, channels))) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(FusedBatchNorm, inputs, attrs));
    }
    const heap = new WasmHeap(backend as KernelBackend);
    const { varianceEpsilon } = attrs as unknown as FusedBatchNormAttrs;
    const coefficients = heap.allocate([2 * channels], 'float32');
    try {
      const ab = heap.elements(coefficients) as Float32Array;
      const m = heap.elements(mean);
      const v = heap.elements(variance);
      const o = offset ? heap.elements(offset) : undefined;
      const s = scale ? heap.elements(scale) : undefined;
      for (let c = 0; c < channels; c++) {
        const a = Math.fround((s ? s[c]! : 1) / Math.sqrt(v[c]! + varianceEpsilon));
        ab[c] = a;
        ab[channels + c] = (o ? o[c]! : 0) - m[c]! * a;
      }
      const out = heap.allocate([...x.shape], 'float32');
      const base = heap.offsetOf(coefficients);
      heap.convTeam().run('channelAffine', rows, [heap.offsetOf(x), base, base + channels * 4, heap.offsetOf(out), channels], convRunOptions());
      return out;
    } finally {
      heap.free(coefficients);
    }
  };
  return { kernelName: FusedBatchNorm, backendName, kernelFunc: kernelFunc as KernelFunc };
}

function elementwiseConfig(kernelName: typeof Relu | typeof Square, op: number, backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x } = inputs as { x: TensorInfo };
    const count = util.sizeFromShape(x.shape);
    if (x.dtype !== 'float32' || count === 0) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(kernelName, inputs, attrs));
    }
    const heap = new WasmHeap(backend as KernelBackend);
    const out = heap.allocate([...x.shape], 'float32');
    heap.convTeam().run('elementwise', Math.ceil(count / ELEMENTS_PER_UNIT), [heap.offsetOf(x), heap.offsetOf(out), count, op], convRunOptions());
    return out;
  };
  return { kernelName, backendName, kernelFunc: kernelFunc as KernelFunc };
}

export const reluConfig = (backendName: string): KernelConfig => elementwiseConfig(Relu, 0, backendName);
export const squareConfig = (backendName: string): KernelConfig => elementwiseConfig(Square, 1, backendName);
