/**
 * Conv2DBackpropFilter (the weight gradient of a 2-D convolution), missing from tfjs-backend-wasm.
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} xPadded[n, kh + s·oh, kw + s·ow, ci] · dy[n, oh, ow, co]
 *
 * On the native GEMM when the host has one (gemm-conv.ts: im2col(x)ᵀ · dy), else on ktlab's direct FMA kernel
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
import { nativeGemmForConv } from './native-gemm-engine.js';
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
    const gemm = nativeGemmForConv(info.filterHeight * info.filterWidth * info.inChannels);
    return gemm ? gemmConvFilterGradient(heap, gemm, x, dy, geometry) : directConvFilterGradient(heap, x, dy, geometry);
  };
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: kernelFunc as KernelFunc };
}
