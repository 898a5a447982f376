/**
 * Conv2DBackpropFilter (the weight gradient of a 2-D convolution), missing from tfjs-backend-wasm.
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} xPadded[n, kh + s·oh, kw + s·ow, ci] · dy[n, oh, ow, co]
 *
 * By default on the native GEMM when the host has one (gemm-conv.ts: im2col(x)ᵀ · dy), else on ktlab's direct
 * FMA kernel (direct-conv.ts): a GEMM with rows (kh, kw, ci), columns co and the long reduction over (n, oh, ow)
 * in registers, rows split across the kernel team.
 *
 * The previous engine, kept for comparisons (`engine: 'chunked'`): the gradient is itself a convolution with
 * the batch as the reduction channel: input xᵀ = x transposed to [ci, h, w, n], filter dyᵀ = dy transposed to
 * [oh, ow, n, co], dilation = the forward stride, stride 1. That convolution runs through the backend's own
 * Conv2D kernel (ktlab's FMA kernel at dilation 1, else XNNPACK), giving [ci, kh, kw, co], transposed to the
 * filter layout [kh, kw, ci, co].
 *
 * The reduction is split into chunks of images × output rows (filter-gradient-chunks.ts) so that the packed
 * dyᵀ stays in L2; each chunk's xᵀ and dyᵀ are cut straight out of x and dy by ktlab's transpose
 * kernel, and the partial gradients are summed in place.
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
import { DEFAULT_CHUNK_BYTES, MIN_CHUNK_IMAGES, MIN_CHUNKED_IN_CHANNELS, planFilterGradientChunks } from './filter-gradient-chunks.js';
import { gemmConvFilterGradient } from './gemm-conv.js';
import { KernelRunner } from './kernel-runner.js';
import { nativeGemmForConv } from './native-gemm-engine.js';
import { WasmHeap } from './wasm-heap.js';

const FLOAT = 4;

export interface FilterGradientOptions {
  /**
   * 'direct' (default): ktlab's FMA filter-gradient kernel; 'chunked': the chunked convolution through the
   * backend's Conv2D (ktlab's FMA forward kernel at stride 1, XNNPACK's when the dilation = stride is > 1).
   * Both ran an AlexNet-style step's filter gradients in the same time (≈ 640 ms); direct needs no transposed
   * copies.
   */
  engine?: 'direct' | 'chunked';
  /** How the chunked engine splits the reduction. */
  chunking?: FilterGradientChunking;
}

const DEFAULT_CHUNKING: FilterGradientChunking = { bytes: DEFAULT_CHUNK_BYTES, minImages: MIN_CHUNK_IMAGES, minInChannels: MIN_CHUNKED_IN_CHANNELS };

export interface FilterGradientChunking {
  /** Packed dyᵀ bytes per chunk. */
  bytes: number;
  minImages: number;
  minInChannels: number;
}

/** `options` pick the engine and tune the chunked engine's split (tests force many small chunks; benchmarks compare). */
export function conv2DBackpropFilterConfig(backendName: string, options: FilterGradientOptions = {}): KernelConfig {
  const chunking = options.chunking ?? DEFAULT_CHUNKING;
  const engine = options.engine ?? 'direct';
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
    if (backend_util.convertConv2DDataFormat(dataFormat) !== 'channelsLast') {
      throw new Error(`Conv2DBackpropFilter on '${backendName}' supports NHWC only, got dataFormat ${dataFormat}`);
    }
    const wasmBackend = backend as KernelBackend;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter on '${backendName}' supports float32 only, got ${x.dtype} and ${dy.dtype}`);
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
    );
    const { inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
    const { strideHeight, strideWidth } = info;
    const heap = new WasmHeap(wasmBackend);
    const geometry = convGeometry(info);
    const gemm = nativeGemmForConv(filterHeight * filterWidth * inChannels);
    if (gemm && engine === 'direct') return gemmConvFilterGradient(heap, gemm, x, dy, geometry);
    if (engine === 'direct') return directConvFilterGradient(heap, x, dy, geometry);
    const plan = planFilterGradientChunks(
      { ...info, padTop: info.padInfo.top, padLeft: info.padInfo.left },
      chunking.bytes,
      chunking.minImages,
      chunking.minInChannels,
    );
    const gradientSize = inChannels * filterHeight * filterWidth * outChannels;
    const free = (tensor: TensorInfo) => wasmBackend.disposeData(tensor.dataId);
    const allocate = (shape: number[]) => heap.allocate(shape, 'float32');

    let sum: TensorInfo | undefined;
    for (const chunk of plan.chunks) {
      // xᵀ chunk [ci, rows, columns, images] ← x[image.., inRow.., 0..columns, ci].
      const xT = allocate([inChannels, chunk.inRows, plan.inColumns, chunk.images]);
      heap.kernels.transposeTiles(
        heap.offsetOf(x) + ((chunk.image * inHeight + chunk.inRow) * inWidth) * inChannels * FLOAT,
        heap.offsetOf(xT),
        chunk.inRows,
        plan.inColumns,
        inChannels,
        chunk.images,
        inWidth * inChannels,
        inChannels,
        plan.inColumns * chunk.images,
        chunk.images,
        inHeight * inWidth * inChannels,
        chunk.inRows * plan.inColumns * chunk.images,
      );
      // dyᵀ chunk [outRows, ow, images, co] ← dy[image.., outRow.., ow, co]: runs of co.
      const dyT = allocate([chunk.outRows, outWidth, chunk.images, outChannels]);
      heap.kernels.copyRuns(
        heap.offsetOf(dy) + ((chunk.image * outHeight + chunk.outRow) * outWidth) * outChannels * FLOAT,
        heap.offsetOf(dyT),
        chunk.outRows,
        outWidth,
        chunk.images,
        outChannels,
        outWidth * outChannels,
        outChannels,
        outHeight * outWidth * outChannels,
      );
      const runner = new KernelRunner(wasmBackend, backendName);
      try {
        const partial = runner.run(
          'Conv2D',
          { x: xT, filter: dyT },
          {
            strides: [1, 1],
            pad: [
              [0, 0],
              [chunk.padTop, chunk.padBottom],
              [info.padInfo.left, plan.padRight],
              [0, 0],
            ],
            dataFormat: 'NHWC',
            dilations: [strideHeight, strideWidth],
          },
        );
        if (sum === undefined) sum = runner.keep(partial);
        else heap.kernels.accumulate(heap.offsetOf(sum), heap.offsetOf(partial), gradientSize);
      } finally {
        runner.dispose();
        free(xT);
        free(dyT);
      }
    }
    if (sum === undefined) {
      // No output position reads the image (all padding): the gradient is zero.
      const runner = new KernelRunner(wasmBackend, backendName);
      return runner.keep(runner.run('Fill', {}, { shape: [...filterShape], value: 0, dtype: 'float32' }));
    }
    const runner = new KernelRunner(wasmBackend, backendName);
    try {
      return runner.keep(runner.run('Transpose', { x: sum }, { perm: [1, 2, 0, 3] }));
    } finally {
      runner.dispose();
      free(sum);
    }
  };
  return { kernelName: Conv2DBackpropFilter, backendName, kernelFunc: kernelFunc as KernelFunc };
}
