/**
 * ktlab-wasm's kernels for ops/batch-norm-training.ts on oneDNN's batch normalisation (`bnorm_jit` on the
 * NHWC tensors where they lie on the wasm heap): the forward pass with the batch statistics, and its gradient.
 * oneDNN takes scale and shift as one [2, c] tensor, so the two vectors are copied into one (and the gradients
 * out of one): 2c floats a call. The kernels only run where `batchNormTrainingApplies` said so.
 */
import { util, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { OneDnnBatchNormShape } from '../native/onednn.js';
import { BATCH_NORM_TRAINING, BATCH_NORM_TRAINING_GRAD } from '../ops/batch-norm-training.js';
import { oneDnnForBatchNorm } from './native-gemm-engine.js';
import { WasmHeap } from './wasm-heap.js';

/** x [..., c] of rank 2-4 as oneDNN's [batch, height, width, channels]. */
export function batchNormShape(shape: number[]): OneDnnBatchNormShape {
  if (shape.length < 2 || shape.length > 4) throw new Error(`batch norm on oneDNN takes rank 2-4, got [${shape}]`);
  const [batch, ...rest] = shape as [number, ...number[]];
  const channels = rest.pop()!;
  const [height, width] = rest.length === 2 ? rest : rest.length === 1 ? [1, rest[0]!] : [1, 1];
  return { batch, height: height!, width: width!, channels };
}

function oneDnn() {
  const dnn = oneDnnForBatchNorm();
  if (!dnn) throw new Error(`${BATCH_NORM_TRAINING} needs oneDNN (it runs only where batchNormTrainingApplies)`);
  return dnn;
}

const epsilonOf = (attrs: NamedAttrMap | undefined) => (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;

export function batchNormTrainingConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] => {
    const { x, scale, offset } = inputs as { x: TensorInfo; scale: TensorInfo; offset: TensorInfo };
    const dnn = oneDnn();
    const heap = new WasmHeap(backend as KernelBackend);
    const s = batchNormShape(x.shape);
    const c = s.channels;
    const scaleShift = heap.allocate([2 * c], 'float32');
    const outputs = [heap.allocate([...x.shape], 'float32'), heap.allocate([c], 'float32'), heap.allocate([c], 'float32')];
    try {
      // Views after the last allocation: one that grows the heap detaches older views.
      const ss = heap.elements(scaleShift) as Float32Array;
      ss.set(heap.elements(scale), 0);
      ss.set(heap.elements(offset), c);
      const [y, mean, variance] = outputs.map((t) => heap.elements(t) as Float32Array);
      dnn.batchNormForward(s, epsilonOf(attrs), heap.elements(x) as Float32Array, ss, y!, mean!, variance!);
      return outputs;
    } catch (error) {
      outputs.forEach((t) => heap.free(t));
      throw error;
    } finally {
      heap.free(scaleShift);
    }
  };
  return { kernelName: BATCH_NORM_TRAINING, backendName, kernelFunc: kernelFunc as KernelFunc };
}

export function batchNormTrainingGradConfigFor(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo[] => {
    const { x, scale, mean, variance, dy } = inputs as Record<'x' | 'scale' | 'mean' | 'variance' | 'dy', TensorInfo>;
    const dnn = oneDnn();
    const heap = new WasmHeap(backend as KernelBackend);
    const s = batchNormShape(x.shape);
    const c = s.channels;
    if (!util.arraysEqual(dy.shape, x.shape)) throw new Error(`${BATCH_NORM_TRAINING_GRAD}: dy [${dy.shape}] is not x's shape [${x.shape}]`);
    const scaleShift = heap.allocate([2 * c], 'float32');
    const diffScaleShift = heap.allocate([2 * c], 'float32');
    const outputs = [heap.allocate([...x.shape], 'float32'), heap.allocate([c], 'float32'), heap.allocate([c], 'float32')];
    try {
      const ss = heap.elements(scaleShift) as Float32Array;
      ss.set(heap.elements(scale), 0);
      ss.fill(0, c);
      const dss = heap.elements(diffScaleShift) as Float32Array;
      const [dx, dScale, dOffset] = outputs.map((t) => heap.elements(t) as Float32Array);
      const f = (t: TensorInfo) => heap.elements(t) as Float32Array;
      dnn.batchNormBackward(s, epsilonOf(attrs), f(x), f(mean), f(variance), f(dy), ss, dx!, dss);
      dScale!.set(dss.subarray(0, c));
      dOffset!.set(dss.subarray(c, 2 * c));
      return outputs;
    } catch (error) {
      outputs.forEach((t) => heap.free(t));
      throw error;
    } finally {
      heap.free(scaleShift);
      heap.free(diffScaleShift);
    }
  };
  return { kernelName: BATCH_NORM_TRAINING_GRAD, backendName, kernelFunc: kernelFunc as KernelFunc };
}
