/**
 * ktlab's own NHWC float32 convolutions on the wasm heap (assembly/conv.ts, relaxed-SIMD FMA, split across
 * the kernel team): the forward convolution (any stride and padding, dilation 1) — which is also the
 * stride-1 input gradient, on a flipped, channel-swapped filter — and the filter gradient.
 *
 * Both read a zero-padded copy of their input (skipped when the input already is its own padded copy), so
 * the AssemblyScript kernels never clamp windows. Scratch tensors are freed before returning.
 */
import type { backend_util, TensorInfo } from '@tensorflow/tfjs';
import { convRunOptions } from '../wasm/conv-team.js';
import type { KernelTeam } from '../wasm/kernel-team.js';
import type { WasmHeap } from './wasm-heap.js';

const FLOAT = 4;
const PANEL = 8;
/** Output pixels per register block of assembly/conv.ts convForward (FORWARD_PIXELS there). */
const FORWARD_PIXELS = 4;
/** Filter rows per register block of assembly/conv.ts convFilterGradient (FILTER_GRADIENT_ROWS there). */
const FILTER_GRADIENT_ROWS = 4;
/** convForward copies the windows of about this many bytes of pixel blocks per thread at a time (stays in L2). */
const FORWARD_GROUP_BYTES = 128 * 1024;
/** The filter-gradient kernel's reduction chunk: about this many bytes of dy per chunk (stays in L2). */
const FILTER_GRADIENT_CHUNK_BYTES = 128 * 1024;

/** A convolution as the kernels see it: `input` [batch, inHeight, inWidth, inChannels] → output [batch, outHeight, outWidth, outChannels]. */
export interface DirectConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  /** Rows / columns of zeros before the input (negative: the windows start inside it). */
  padTop: number;
  padLeft: number;
}

/** The geometry of the convolution tfjs describes with `info` (computeConv2DInfo's result). */
export function convGeometry(info: backend_util.Conv2DInfo): DirectConvGeometry {
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

const ceilTo = (value: number, multiple: number) => Math.ceil(value / multiple) * multiple;

export function paddedSize(g: DirectConvGeometry): { height: number; width: number } {
  return { height: (g.outHeight - 1) * g.strideHeight + g.filterHeight, width: (g.outWidth - 1) * g.strideWidth + g.filterWidth };
}

/**
 * The input as the kernels read it: [batch, paddedHeight, paddedWidth, inChannels] plus `slack` floats. Returns
 * the input itself when it already has that layout and no slack is needed, else a padded copy (`scratch`).
 */
export function paddedInput(heap: WasmHeap, team: KernelTeam, input: TensorInfo, g: DirectConvGeometry, slack: number): { offset: number; scratch?: TensorInfo } {
  const { height, width } = paddedSize(g);
  if (slack === 0 && g.padTop === 0 && g.padLeft === 0 && width === g.inWidth && height === g.inHeight) {
    return { offset: heap.offsetOf(input) };
  }
  const scratch = heap.allocate([g.batch * height * width * g.inChannels + slack], 'float32');
  const offset = heap.offsetOf(scratch);
  team.run(
    'padInput',
    g.batch * height,
    [heap.offsetOf(input), offset, g.inHeight, g.inWidth, g.inChannels, height, width, g.padTop, g.padLeft],
    convRunOptions(),
  );
  return { offset, scratch };
}

export interface ForwardOptions {
  /** [filterHeight, filterWidth, inChannels, outChannels]; with `flipped`, [filterHeight, filterWidth, outChannels, inChannels] read flipped. */
  filter: TensorInfo;
  flipped?: boolean;
  /** [outChannels], added before the activation. */
  bias?: TensorInfo;
  relu?: boolean;
}

/** The forward convolution of `input`; returns a new [batch, outHeight, outWidth, outChannels] tensor. */
export function directConvForward(heap: WasmHeap, input: TensorInfo, g: DirectConvGeometry, options: ForwardOptions): TensorInfo {
  const out = heap.allocate([g.batch, g.outHeight, g.outWidth, g.outChannels], 'float32');
  const pixels = g.batch * g.outHeight * g.outWidth;
  if (pixels === 0 || g.outChannels === 0) return out;
  const team = heap.convTeam();
  const scratch: TensorInfo[] = [];
  try {
    const k = g.filterHeight * g.filterWidth * g.inChannels;
    const panels = Math.ceil(g.outChannels / PANEL);
    const packedFloats = panels * PANEL * k;
    const packed = heap.allocate([packedFloats + panels * PANEL], 'float32');
    scratch.push(packed);
    const packedOffset = heap.offsetOf(packed);
    if (k === 0) {
      heap.elements(packed).fill(0);
    } else {
      team.run(
        'packFilter',
        panels,
        [heap.offsetOf(options.filter), packedOffset, g.filterHeight, g.filterWidth, g.inChannels, g.outChannels, options.flipped ? 1 : 0],
        convRunOptions(),
      );
    }
    let biasOffset = 0;
    if (options.bias) {
      const padded = heap.elements(packed).subarray(packedFloats);
      padded.fill(0);
      padded.set(heap.elements(options.bias).subarray(0, g.outChannels));
      biasOffset = packedOffset + packedFloats * FLOAT;
    }
    const x = paddedInput(heap, team, input, g, 0);
    if (x.scratch) scratch.push(x.scratch);
    const { height, width } = paddedSize(g);
    const blockFloats = FORWARD_PIXELS * k;
    const groupBlocks = Math.max(1, Math.min(16, Math.floor(FORWARD_GROUP_BYTES / (blockFloats * FLOAT))));
    const windows = heap.allocate([team.threads * groupBlocks * blockFloats], 'float32');
    scratch.push(windows);
    team.run(
      'convForward',
      Math.ceil(pixels / FORWARD_PIXELS),
      [
        x.offset, packedOffset, biasOffset, options.relu ? 1 : 0, heap.offsetOf(out), heap.offsetOf(windows), groupBlocks,
        pixels, g.outHeight, g.outWidth, height, width,
        g.inChannels, g.outChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth,
      ],
      convRunOptions(),
    );
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
 * output gradient `dy` [batch, outHeight, outWidth, outChannels].
 */
export function directConvFilterGradient(heap: WasmHeap, x: TensorInfo, dy: TensorInfo, g: DirectConvGeometry): TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inChannels: ci, outChannels: co } = g;
  const out = heap.allocate([kh, kw, ci, co], 'float32');
  if (kh * kw * ci * co === 0) return out;
  const rows = g.batch * g.outHeight;
  if (rows * g.outWidth === 0) {
    heap.elements(out).fill(0);
    return out;
  }
  const team = heap.convTeam();
  const scratch: TensorInfo[] = [];
  try {
    const run = kw * ci;
    const runPadded = ceilTo(run, FILTER_GRADIENT_ROWS);
    const dyStride = ceilTo(co, PANEL);
    // Rows past a run read up to FILTER_GRADIENT_ROWS − 1 floats beyond it: slack at the end of xp.
    const xp = paddedInput(heap, team, x, g, runPadded === run ? 0 : FILTER_GRADIENT_ROWS - 1);
    if (xp.scratch) scratch.push(xp.scratch);
    let dyOffset = heap.offsetOf(dy);
    if (dyStride !== co) {
      const padded = heap.allocate([rows * g.outWidth * dyStride], 'float32');
      scratch.push(padded);
      dyOffset = heap.offsetOf(padded);
      team.run('copyRows', rows * g.outWidth, [heap.offsetOf(dy), dyOffset, co, co, dyStride], convRunOptions());
    }
    const direct = runPadded === run && dyStride === co;
    let accOffset = heap.offsetOf(out);
    if (!direct) {
      const acc = heap.allocate([kh * runPadded * dyStride], 'float32');
      scratch.push(acc);
      accOffset = heap.offsetOf(acc);
    }
    const { height, width } = paddedSize(g);
    const chunkRows = Math.max(1, Math.floor(FILTER_GRADIENT_CHUNK_BYTES / (g.outWidth * dyStride * FLOAT)));
    const tiles = kh * (runPadded / FILTER_GRADIENT_ROWS) * (dyStride / PANEL);
    const panelsDy = heap.allocate([team.threads * chunkRows * g.outWidth * dyStride], 'float32');
    scratch.push(panelsDy);
    team.run(
      'convFilterGradient',
      tiles,
      [
        xp.offset, dyOffset, accOffset, heap.offsetOf(panelsDy),
        g.batch, g.outHeight, g.outWidth, height, width,
        ci, dyStride, kh, kw, g.strideHeight, g.strideWidth, chunkRows,
      ],
      // Each share streams all of dy once: few shares keep that traffic low.
      { sharesPerThread: 2, ...convRunOptions() },
    );
    if (!direct) {
      team.run('cropFilterGradient', kh * run, [accOffset, heap.offsetOf(out), run, runPadded, co, dyStride], convRunOptions());
    }
    return out;
  } catch (error) {
    heap.free(out);
    throw error;
  } finally {
    for (const tensor of scratch) heap.free(tensor);
  }
}
