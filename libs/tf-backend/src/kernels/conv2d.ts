/**
 * Conv2D and FusedConv2D on ktlab's direct FMA convolution (direct-conv.ts), or on a native engine when the
 * host has one (oneDNN: onednn-conv.ts; OpenBLAS: gemm-conv.ts), instead of XNNPACK: NHWC,
 * float32, dilation 1, any stride and padding; FusedConv2D with an optional [outChannels] bias and a linear
 * or ReLU activation (tf.layers' conv layers run FusedConv2D in inference, and in training when the
 * activation is linear, e.g. before batch norm). Everything else runs the package's kernel.
 */
import {
  backend_util,
  Conv2D,
  FusedConv2D,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { convGeometry, directConvForward, type DirectConvGeometry } from './direct-conv.js';
import { gemmConvForward, type GemmForwardOptions } from './gemm-conv.js';
import { KernelRunner } from './kernel-runner.js';
import { convEngineFor, type ConvEngine } from './native-gemm-engine.js';
import { oneDnnConvForward } from './onednn-conv.js';
import { WasmHeap } from './wasm-heap.js';

/** The direct kernel's geometry for a forward convolution, or undefined when the package kernel must run it. */
export function forwardGeometry(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): DirectConvGeometry | undefined {
  if (x.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  if (backend_util.convertConv2DDataFormat(attrs.dataFormat) !== 'channelsLast') return undefined;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return undefined;
  return convGeometry(info);
}

function forward(heap: WasmHeap, engine: ConvEngine, x: TensorInfo, geometry: DirectConvGeometry, options: GemmForwardOptions): TensorInfo {
  if (engine?.name === 'onednn') return oneDnnConvForward(heap, engine.dnn, x, geometry, options);
  if (engine?.name === 'openblas') return gemmConvForward(heap, engine.gemm, x, geometry, options);
  return directConvForward(heap, x, geometry, options);
}

export function conv2DConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const geometry = forwardGeometry(x, filter, attrs as unknown as Conv2DAttrs);
    if (!geometry) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(Conv2D, inputs, attrs));
    }
    const heap = new WasmHeap(backend as KernelBackend);
    return forward(heap, convEngineFor('forward', geometry), x, geometry, { filter });
  };
  return { kernelName: Conv2D, backendName, kernelFunc: kernelFunc as KernelFunc };
}

export function fusedConv2DConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, filter, bias, preluActivationWeights } = inputs as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    const fused = attrs as unknown as FusedConv2DAttrs;
    const activation = fused.activation ?? 'linear';
    const geometry = forwardGeometry(x, filter, fused);
    const biasFits = bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === geometry?.outChannels);
    if (!geometry || !biasFits || preluActivationWeights != null || (activation !== 'linear' && activation !== 'relu')) {
      const runner = new KernelRunner(backend as KernelBackend, backendName);
      return runner.keep(runner.runPackageKernel(FusedConv2D, inputs, attrs));
    }
    const heap = new WasmHeap(backend as KernelBackend);
    const options = { filter, bias: bias ?? undefined, relu: activation === 'relu' };
    return forward(heap, convEngineFor('forward', geometry), x, geometry, options);
  };
  return { kernelName: FusedConv2D, backendName, kernelFunc: kernelFunc as KernelFunc };
}
