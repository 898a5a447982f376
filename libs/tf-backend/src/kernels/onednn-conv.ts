/**
 * NHWC float32 convolutions on oneDNN (native/onednn.ts), reading and writing the tensors where they lie on
 * the wasm heap: the forward convolution with an optional fused bias and ReLU, the input gradient (any stride)
 * and the filter gradient. Shapes with an empty axis are answered here (zeros) and never reach oneDNN.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { OneDnn } from '../native/onednn.js';
import type { DirectConvGeometry } from './direct-conv.js';
import type { WasmHeap } from './wasm-heap.js';

const floats = (heap: WasmHeap, tensor: TensorInfo) => heap.elements(tensor) as Float32Array;

function empty(g: DirectConvGeometry): boolean {
  return [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth].some((d) => d === 0);
}

/** The forward convolution of `input` (filter [kh, kw, ci, co]): a new [batch, outHeight, outWidth, outChannels] tensor. */
export function oneDnnConvForward(
  heap: WasmHeap,
  dnn: OneDnn,
  input: TensorInfo,
  g: DirectConvGeometry,
  options: { filter: TensorInfo; bias?: TensorInfo; relu?: boolean },
): TensorInfo {
  const out = heap.allocate([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32');
  try {
    if (empty(g)) {
      const y = floats(heap, out);
      y.fill(0);
      if (options.bias && g.outChannels > 0) {
        const bias = floats(heap, options.bias);
        for (let i = 0; i < y.length; i++) y[i] = options.relu ? Math.max(0, bias[i % g.outChannels]) : bias[i % g.outChannels];
      }
      return out;
    }
    dnn.convForward(g, floats(heap, input), floats(heap, options.filter), options.bias ? floats(heap, options.bias) : undefined, options.relu ?? false, floats(heap, out));
    return out;
  } catch (error) {
    heap.free(out);
    throw error;
  }
}

/** dx [batch, inHeight, inWidth, inChannels] of the convolution `g` from dy and its filter. */
export function oneDnnConvInputGradient(heap: WasmHeap, dnn: OneDnn, dy: TensorInfo, filter: TensorInfo, g: DirectConvGeometry): TensorInfo {
  const dx = heap.allocate([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  try {
    if (empty(g)) floats(heap, dx).fill(0);
    else dnn.convBackwardData(g, floats(heap, dy), floats(heap, filter), floats(heap, dx));
    return dx;
  } catch (error) {
    heap.free(dx);
    throw error;
  }
}

/** dW [filterHeight, filterWidth, inChannels, outChannels] of the convolution `g` of x with output gradient dy. */
export function oneDnnConvFilterGradient(heap: WasmHeap, dnn: OneDnn, x: TensorInfo, dy: TensorInfo, g: DirectConvGeometry): TensorInfo {
  const dw = heap.allocate([g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], 'float32');
  try {
    if (empty(g)) floats(heap, dw).fill(0);
    else dnn.convBackwardWeights(g, floats(heap, x), floats(heap, dy), floats(heap, dw));
    return dw;
  } catch (error) {
    heap.free(dw);
    throw error;
  }
}
