/**
 * Conv2DBackpropFilter (the weight gradient of a 2-D convolution), missing from tfjs-backend-wasm.
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} xPadded[n, kh + s·oh, kw + s·ow, ci] · dy[n, oh, ow, co]
 *
 * which is itself a convolution with the batch as the reduction channel: input xᵀ = x transposed to
 * [ci, h, w, n], filter dyᵀ = dy transposed to [oh, ow, n, co], dilation = the forward stride, stride 1. That
 * convolution runs on XNNPACK through the backend's own Conv2D kernel (multithreaded, SIMD), giving
 * [ci, kh, kw, co], transposed to the filter layout [kh, kw, ci, co].
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
import { KernelRunner } from './kernel-runner.js';

export function conv2DBackpropFilterConfig(backendName: string): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
      throw new Error(`Conv2DBackpropFilter on '${backendName}' supports NHWC only, got dataFormat ${dataFormat}`);
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, outHeight, outWidth } = info;
    const { top, left } = info.padInfo;
    // Bottom/right padding that makes the gradient convolution produce exactly filterHeight × filterWidth
    // outputs; negative when the forward convolution never reached the last rows, then those rows are
    // padded anyway and the surplus outputs sliced off.
    const bottom = filterHeight + strideHeight * (outHeight - 1) - inHeight - top;
    const right = filterWidth + strideWidth * (outWidth - 1) - inWidth - left;
    const extraRows = Math.max(0, -bottom);
    const extraCols = Math.max(0, -right);

    const runner = new KernelRunner(backend as KernelBackend, backendName);
    try {
      const xT = runner.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
      const dyT = runner.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
      let gradient = runner.run(
        'Conv2D',
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          pad: [
            [0, 0],
            [top, Math.max(0, bottom)],
            [left, Math.max(0, right)],
            [0, 0],
          ],
          dataFormat: 'NHWC',
          dilations: [strideHeight, strideWidth],
        },
      );
      if (extraRows > 0 || extraCols > 0) {
        gradient = runner.run(
          'Slice',
          { x: gradient },
          { begin: [0, 0, 0, 0], size: [info.inChannels, filterHeight, filterWidth, info.outChannels] },
        );
      }
      return runner.keep(runner.run('Transpose', { x: gradient }, { perm: [1, 2, 0, 3] }));
    } finally {
      runner.dispose();
    }
  };
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: kernelFunc as KernelFunc };
}
