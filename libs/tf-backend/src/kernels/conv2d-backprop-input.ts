/**
 * Conv2DBackpropInput (the input gradient of a 2-D convolution): on oneDNN (onednn-conv.ts) or the native
 * GEMM (gemm-conv.ts) when the host has them (any stride), else for stride 1 on ktlab's direct FMA convolution.
 *
 * tfjs-backend-wasm computes it with a scalar C++ loop, 20× slower than its forward convolution. With stride
 * 1 the input gradient is a plain convolution: dy, padded by (filter − 1 − forward padding) on each side,
 * convolved with the filter flipped in both spatial axes and with its channel axes swapped. The direct
 * kernel packs the filter flipped and swapped as it goes (no Reverse / Transpose); non-float32 inputs run
 * that convolution on the backend's XNNPACK Conv2D. Strided or NCHW convolutions keep the package's kernel.
 */
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import { convGeometry, directConvForward } from './direct-conv.js';
import { gemmConvInputGradient } from './gemm-conv.js';
import { KernelRunner } from './kernel-runner.js';
import { convEngineFor } from './native-gemm-engine.js';
import { oneDnnConvInputGradient } from './onednn-conv.js';
import { WasmHeap } from './wasm-heap.js';

export function conv2DBackpropInputConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const runner = new KernelRunner(backend as KernelBackend, backendName);
    try {
      const channelsLast = backend_util.convertConv2DDataFormat(dataFormat) === 'channelsLast';
      const info = backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        channelsLast ? 'channelsLast' : 'channelsFirst',
      );
      if (channelsLast && dy.dtype === 'float32' && filter.dtype === 'float32') {
        const geometry = convGeometry(info);
        const engine = convEngineFor('backward-data', geometry);
        if (engine?.name === 'onednn') return oneDnnConvInputGradient(new WasmHeap(backend as KernelBackend), engine.dnn, dy, filter, geometry);
        if (engine?.name === 'openblas') return gemmConvInputGradient(new WasmHeap(backend as KernelBackend), engine.gemm, dy, filter, geometry);
      }
      if (!channelsLast || info.strideHeight !== 1 || info.strideWidth !== 1) {
        return runner.keep(runner.runPackageKernel(Conv2DBackpropInput, inputs, attrs));
      }
      const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth } = info;
      const top = filterHeight - 1 - info.padInfo.top;
      const left = filterWidth - 1 - info.padInfo.left;
      // Stride 1: inHeight = outHeight + top + bottom − filterHeight + 1.
      const bottom = inHeight - outHeight + filterHeight - 1 - top;
      const right = inWidth - outWidth + filterWidth - 1 - left;
      if (dy.dtype === 'float32' && filter.dtype === 'float32') {
        return directConvForward(
          new WasmHeap(backend as KernelBackend),
          dy,
          {
            batch: info.batchSize,
            inHeight: outHeight,
            inWidth: outWidth,
            inChannels: info.outChannels,
            outHeight: inHeight,
            outWidth: inWidth,
            outChannels: info.inChannels,
            filterHeight,
            filterWidth,
            strideHeight: 1,
            strideWidth: 1,
            padTop: top,
            padLeft: left,
          },
          { filter, flipped: true },
        );
      }
      const flipped = runner.run('Reverse', { x: filter }, { dims: [0, 1] });
      const swapped = runner.run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
      return runner.keep(
        runner.run(
          'Conv2D',
          { x: dy, filter: swapped },
          {
            strides: [1, 1],
            pad: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            dataFormat: 'NHWC',
            dilations: [1, 1],
          },
        ),
      );
    } finally {
      runner.dispose();
    }
  };
  return { kernelName: Conv2DBackpropInput, backendName, kernelFunc: kernelFunc as KernelFunc };
}
