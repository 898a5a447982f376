/**
 * NHWC float32 convolutions as im2col + a native GEMM (OpenBLAS), on the wasm heap with no copies across the
 * FFI: the forward convolution (any stride and padding, dilation 1, optional bias and ReLU), the input
 * gradient (any stride: GEMM, then col2im adds each window's gradient back into a padded dx) and the filter
 * gradient (colsᵀ · dy, accumulated over chunks).
 *
 * With x zero-padded once (padInput), an output pixel's window is kh runs of kw·ci contiguous floats, so the
 * im2col row is kh block copies (assembly/conv.ts im2col). The im2col matrix is built for a chunk of images at a
 * time, about CHUNK_BYTES, so memory stays bounded whatever the batch; 1×1 stride-1 convolutions need no
 * im2col at all (the padded input is the matrix). The copies run on ktlab's kernel team; the GEMM on
 * OpenBLAS's threads. Neither splits a sum across threads in a way that depends on timing, so results are
 * bit-stable for a given thread count.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeGemm } from '../native/openblas.js';
import { convRunOptions } from '../wasm/conv-team.js';
import type { KernelTeam } from '../wasm/kernel-team.js';
import { paddedInput, paddedSize, type DirectConvGeometry } from './direct-conv.js';
import type { WasmHeap } from './wasm-heap.js';

const FLOAT = 4;
/** Bytes of im2col matrix per chunk: large enough for efficient GEMMs, small enough to stay off the heap's limit. */
export const CHUNK_BYTES = 32 * 1024 * 1024;

let chunkBytes = CHUNK_BYTES;

/** Runs `body` with im2col chunks of `bytes` (tests force many chunks); restores the previous size. */
export async function withGemmChunkBytes<T>(bytes: number, body: () => Promise<T>): Promise<T> {
  const previous = chunkBytes;
  chunkBytes = bytes;
  try {
    return await body();
  } finally {
    chunkBytes = previous;
  }
}

interface ChunkPlan {
  pointwise: boolean;
  /** kh·kw·ci. */
  k: number;
  perImage: number;
  imagesPerChunk: number;
}

function planChunks(g: DirectConvGeometry, bytesPerChunk: number): ChunkPlan {
  const pointwise = g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1;
  const k = g.filterHeight * g.filterWidth * g.inChannels;
  const perImage = g.outHeight * g.outWidth;
  const imageBytes = Math.max(1, perImage * k * FLOAT);
  const imagesPerChunk = pointwise ? g.batch : Math.max(1, Math.min(g.batch, Math.floor(bytesPerChunk / imageBytes)));
  return { pointwise, k, perImage, imagesPerChunk };
}

function* chunks(batch: number, imagesPerChunk: number): Generator<{ first: number; images: number }> {
  for (let first = 0; first < batch; first += imagesPerChunk) yield { first, images: Math.min(imagesPerChunk, batch - first) };
}

/**
 * Pads `x` once, then for each chunk of images builds its im2col rows (for 1×1 stride-1 convolutions the padded
 * input is already the matrix) and hands `visit` their offset, the chunk's first image and its row count.
 * Scratch tensors go to `scratch` for the caller to free.
 */
function forEachIm2colChunk(
  heap: WasmHeap,
  team: KernelTeam,
  x: TensorInfo,
  g: DirectConvGeometry,
  plan: ChunkPlan,
  scratch: TensorInfo[],
  visit: (aOffset: number, first: number, rows: number) => void,
): void {
  const xp = paddedInput(heap, team, x, g, 0);
  if (xp.scratch) scratch.push(xp.scratch);
  let colsOffset = 0;
  if (!plan.pointwise) {
    const cols = heap.allocate([plan.imagesPerChunk * plan.perImage * plan.k], 'float32');
    scratch.push(cols);
    colsOffset = heap.offsetOf(cols);
  }
  const { height, width } = paddedSize(g);
  for (const { first, images } of chunks(g.batch, plan.imagesPerChunk)) {
    const rows = images * plan.perImage;
    if (plan.pointwise) {
      visit(xp.offset + first * plan.perImage * plan.k * FLOAT, first, rows);
      continue;
    }
    team.run(
      'im2col',
      rows,
      [xp.offset, colsOffset, first * plan.perImage, g.outHeight, g.outWidth, height, width, g.inChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth],
      convRunOptions(),
    );
    visit(colsOffset, first, rows);
  }
}

export interface GemmForwardOptions {
  /** [filterHeight, filterWidth, inChannels, outChannels] (HWIO: row-major [K, co]). */
  filter: TensorInfo;
  bias?: TensorInfo;
  relu?: boolean;
}

/** The forward convolution of `input`: a new [batch, outHeight, outWidth, outChannels] tensor. */
export function gemmConvForward(
  heap: WasmHeap,
  gemm: NativeGemm,
  input: TensorInfo,
  g: DirectConvGeometry,
  options: GemmForwardOptions,
): TensorInfo {
  const out = heap.allocate([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32');
  const pixels = g.batch * g.outHeight * g.outWidth;
  if (pixels === 0 || g.outChannels === 0) return out;
  const plan = planChunks(g, chunkBytes);
  if (plan.k === 0) {
    heap.elements(out).fill(0);
  }
  const team = heap.convTeam();
  const scratch: TensorInfo[] = [];
  try {
    if (plan.k > 0) {
      const outOffset = heap.offsetOf(out);
      forEachIm2colChunk(heap, team, input, g, plan, scratch, (aOffset, first, rows) => {
        gemm.sgemm(
          false, false, rows, g.outChannels, plan.k, 1,
          heap.floats(aOffset, rows * plan.k), plan.k,
          heap.elements(options.filter) as Float32Array, g.outChannels,
          0, heap.floats(outOffset + first * plan.perImage * g.outChannels * FLOAT, rows * g.outChannels), g.outChannels,
        );
      });
    }
    if (options.bias || options.relu) {
      const biasOffset = options.bias ? heap.offsetOf(options.bias) : 0;
      team.run('biasActivation', pixels, [heap.offsetOf(out), biasOffset, g.outChannels, options.relu ? 1 : 0], convRunOptions());
    }
    return out;
  } catch (error) {
    heap.free(out);
    throw error;
  } finally {
    for (const tensor of scratch) heap.free(tensor);
  }
}

/**
 * The filter gradient dW [filterHeight, filterWidth, inChannels, outChannels] of the convolution of `x` with
 * output gradient `dy` [batch, outHeight, outWidth, outChannels]: Σ over chunks of im2col(x)ᵀ · dy.
 */
export function gemmConvFilterGradient(
  heap: WasmHeap,
  gemm: NativeGemm,
  x: TensorInfo,
  dy: TensorInfo,
  g: DirectConvGeometry,
): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = g;
  const out = heap.allocate([kh, kw, ci, co], 'float32');
  if (kh * kw * ci * co === 0) return out;
  const plan = planChunks(g, chunkBytes);
  if (g.batch * plan.perImage === 0) {
    heap.elements(out).fill(0);
    return out;
  }
  const team = heap.convTeam();
  const scratch: TensorInfo[] = [];
  try {
    const dyOffset = heap.offsetOf(dy);
    forEachIm2colChunk(heap, team, x, g, plan, scratch, (aOffset, first, rows) => {
      gemm.sgemm(
        true, false, plan.k, co, rows, 1,
        heap.floats(aOffset, rows * plan.k), plan.k,
        heap.floats(dyOffset + first * plan.perImage * co * FLOAT, rows * co), co,
        first === 0 ? 0 : 1, heap.elements(out) as Float32Array, co,
      );
    });
    return out;
  } catch (error) {
    heap.free(out);
    throw error;
  } finally {
    for (const tensor of scratch) heap.free(tensor);
  }
}

/**
 * The input gradient dx [batch, inHeight, inWidth, inChannels] of the convolution with geometry `g` (of the
 * forward convolution) and filter `filter`, from dy [batch, outHeight, outWidth, outChannels]: per chunk
 * dcols = dy · Wᵀ, added back onto the windows of a padded dx (col2im), then the padding is cut off.
 */
export function gemmConvInputGradient(
  heap: WasmHeap,
  gemm: NativeGemm,
  dy: TensorInfo,
  filter: TensorInfo,
  g: DirectConvGeometry,
): TensorInfo {
  const dx = heap.allocate([g.batch, g.inHeight, g.inWidth, g.inChannels], 'float32');
  if (g.batch * g.inHeight * g.inWidth * g.inChannels === 0) return dx;
  const plan = planChunks(g, chunkBytes);
  const { height, width } = paddedSize(g);
  if (plan.k === 0 || g.outChannels === 0 || plan.perImage === 0) {
    heap.elements(dx).fill(0);
    return dx;
  }
  const team = heap.convTeam();
  const scratch: TensorInfo[] = [];
  try {
    const unpadded = g.padTop === 0 && g.padLeft === 0 && height === g.inHeight && width === g.inWidth;
    let dxpOffset = heap.offsetOf(dx);
    if (!unpadded) {
      const dxp = heap.allocate([g.batch * height * width * g.inChannels], 'float32');
      scratch.push(dxp);
      dxpOffset = heap.offsetOf(dxp);
    }
    let colsOffset = 0;
    if (!plan.pointwise) {
      const cols = heap.allocate([plan.imagesPerChunk * plan.perImage * plan.k], 'float32');
      scratch.push(cols);
      colsOffset = heap.offsetOf(cols);
    }
    const dyOffset = heap.offsetOf(dy);
    const weights = heap.elements(filter) as Float32Array;
    for (const { first, images } of chunks(g.batch, plan.imagesPerChunk)) {
      const rows = images * plan.perImage;
      // 1×1 stride 1: the padded dx is laid out exactly as dcols, so the product lands in place.
      const target = plan.pointwise ? dxpOffset + first * plan.perImage * plan.k * FLOAT : colsOffset;
      gemm.sgemm(
        false, true, rows, plan.k, g.outChannels, 1,
        heap.floats(dyOffset + first * plan.perImage * g.outChannels * FLOAT, rows * g.outChannels), g.outChannels,
        weights, g.outChannels,
        0, heap.floats(target, rows * plan.k), plan.k,
      );
      if (!plan.pointwise) {
        team.run(
          'col2im',
          images,
          [colsOffset, dxpOffset, first, g.outHeight, g.outWidth, height, width, g.inChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth],
          convRunOptions(),
        );
      }
    }
    if (!unpadded) {
      team.run(
        'cropPadded',
        g.batch * g.inHeight,
        [dxpOffset, heap.offsetOf(dx), g.inHeight, g.inWidth, g.inChannels, height, width, g.padTop, g.padLeft],
        convRunOptions(),
      );
    }
    return dx;
  } catch (error) {
    heap.free(dx);
    throw error;
  } finally {
    for (const tensor of scratch) heap.free(tensor);
  }
}
