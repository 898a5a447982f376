/**
 * Conv2DBackpropFilter (the weight gradient of a 2-D convolution), missing from tfjs-backend-wasm.
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} xPadded[n, kh + s·oh, kw + s·ow, ci] · dy[n, oh, ow, co]
 *
 * On oneDNN (onednn-conv.ts) or the native GEMM (gemm-conv.ts: im2col(x)ᵀ · dy) when the host has them, else on ktlab's direct FMA kernel
 * (direct-conv.ts): a GEMM with rows (kh, kw, ci), columns co and the long reduction over (n, oh, ow) in
 * registers, rows split across the kernel team.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { convGeometry, directConvFilterGradient } from './direct-conv.js';
import { gemmConvFilterGradient } from './gemm-conv.js';
import { convEngineFor } from './native-gemm-engine.js';
import { oneDnnConvFilterGradient } from './onednn-conv.js';
import { WasmHeap } from './wasm-heap.js';

export function conv2DBackpropFilterConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
      throw new Error(`Conv2DBackpropFilter on '${backendName}' supports NHWC only, got dataFormat ${dataFormat}`);
    }
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter on '${backendName}' supports float32 only, got ${x.dtype} and ${dy.dtype}`);
    }
    const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode);
    const heap = new WasmHeap(backend as KernelBackend);
    const geometry = convGeometry(info);
    const engine = convEngineFor('backward-weights', geometry);
    if (engine?.name === 'onednn') return oneDnnConvFilterGradient(heap, engine.dnn, x, dy, geometry);
    if (engine?.name === 'openblas') return gemmConvFilterGradient(heap, engine.gemm, x, dy, geometry);
    return directConvFilterGradient(heap, x, dy, geometry);
  };
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: kernelFunc as KernelFunc };
}
