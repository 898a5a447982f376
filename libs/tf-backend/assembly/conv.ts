// Direct 2-D convolutions (NHWC, float32) for the ktlab-wasm backend, on the tfjs wasm module's (shared,
// imported) memory, with relaxed-SIMD fused multiply-adds. Every pointer is a byte offset chosen by the host;
// nothing here allocates and there are no globals, so one instance per thread can share the memory.
//
// Every kernel takes a unit range [begin, end) and the slot of the thread running it (0 = the caller; for
// per-thread scratch), so a thread team can split a call with no cross-thread reduction: each output
// element is computed by exactly one thread, by the same sequence of operations whatever the split, so
// results are bit-identical for any thread count.
//
// The convolutions read a zero-padded copy of their input (padInput), so no kernel clamps windows:
// xp[n, r, q, c] = x[n, r − top, q − left, c], 0 outside. For a fixed filter row fh, the window of one output
// pixel is one contiguous run of kw·ci floats at base(pixel) + fh·Wp·ci, whatever the stride; the HWIO
// filter row fh is the same run of kw·ci filter rows. That is the implicit GEMM: K = kh·(kw·ci).

import { maxPoolGradImage } from './max-pool-grad';

const FLOAT: usize = 4;
/** Output channels per packed filter panel (two v128 per pixel). */
const PANEL: i32 = 8;
/** Output pixels per forward register block. */
const FORWARD_PIXELS: i32 = 4;
/** Filter rows (kw·ci index) per filter-gradient register block. */
const FILTER_GRADIENT_ROWS: i32 = 4;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.relaxed_madd(a, b, c);
}

/** Stores the first `count` (1..4) lanes of `v` at `p`. */
@inline function storeLanes(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, v);
    return;
  }
  if (count > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** Stores columns [0, count) (count ≤ 8) of a panel's two vectors. */
@inline function storePanel(p: usize, lo: v128, hi: v128, count: i32): void {
  if (count >= PANEL) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else {
    storeLanes(p, lo, count);
    if (count > 4) storeLanes(p + 16, hi, count - 4);
  }
}

/**
 * Rows [begin, end) of the padded input (n·Hp rows of Wp·c floats): xp[n, r, q] = x[n, r − top, q − left],
 * zero outside x. `top` and `left` may be negative (the window starts inside x).
 */
export function padInput(
  begin: i32, end: i32, slot: i32,
  x: usize, out: usize,
  height: i32, width: i32, channels: i32,
  paddedHeight: i32, paddedWidth: i32, top: i32, left: i32,
): void {
  const pixelBytes = <usize>channels * FLOAT;
  const rowBytes = <usize>paddedWidth * pixelBytes;
  let qLo = max(left, 0);
  let qHi = min(paddedWidth, left + width);
  if (qLo > paddedWidth) qLo = paddedWidth;
  if (qHi < qLo) qHi = qLo;
  for (let r = begin; r < end; r++) {
    const n = r / paddedHeight;
    const sourceRow = r - n * paddedHeight - top;
    const target = out + <usize>r * rowBytes;
    if (sourceRow < 0 || sourceRow >= height || qLo == qHi) {
      memory.fill(target, 0, rowBytes);
      continue;
    }
    memory.fill(target, 0, <usize>qLo * pixelBytes);
    const source = x + (<usize>(n * height + sourceRow) * <usize>width + <usize>(qLo - left)) * pixelBytes;
    memory.copy(target + <usize>qLo * pixelBytes, source, <usize>(qHi - qLo) * pixelBytes);
    memory.fill(target + <usize>qHi * pixelBytes, 0, <usize>(paddedWidth - qHi) * pixelBytes);
  }
}

/**
 * Panels [begin, end) of the packed filter: panel g holds, for each k = (fh, fw, c) of K = kh·kw·ci, the 8
 * values f[fh, fw, c, 8g .. 8g+7] (zero past co). `flipped` = 0: f = w, an HWIO filter [kh, kw, ci, co].
 * `flipped` = 1: f[fh, fw, c, o] = w[kh−1−fh, kw−1−fw, o, c] for w of shape [kh, kw, co, ci] — the filter of
 * the stride-1 input gradient as a forward convolution of dy.
 */
export function packFilter(
  begin: i32, end: i32, slot: i32,
  w: usize, packed: usize,
  kh: i32, kw: i32, ci: i32, co: i32, flipped: i32,
): void {
  const k = kh * kw * ci;
  for (let g = begin; g < end; g++) {
    let target = packed + <usize>g * <usize>k * 32;
    for (let fh = 0; fh < kh; fh++) {
      for (let fw = 0; fw < kw; fw++) {
        for (let c = 0; c < ci; c++) {
          for (let lane = 0; lane < PANEL; lane++) {
            const o = g * PANEL + lane;
            let value: f32 = 0;
            if (o < co) {
              const index = flipped
                ? (((kh - 1 - fh) * kw + (kw - 1 - fw)) * co + o) * ci + c
                : ((fh * kw + fw) * ci + c) * co + o;
              value = load<f32>(w + <usize>index * FLOAT);
            }
            store<f32>(target, value);
            target += FLOAT;
          }
        }
      }
    }
  }
}

/**
 * Forward convolution of the padded input xp [n, Hp, Wp, ci] with the packed filter, for pixel blocks
 * [begin, end) (4 output pixels each, in n·OH·OW order; the last block may be partial): out[m, o] =
 * act(Σ_k xp[window(m), k] · f[k, o] + bias[o]). `bias` = 0 for none, else coPadded floats; `relu` ≠ 0 clamps
 * at 0. Output rows have `co` floats.
 *
 * Blocks go in groups of `groupBlocks`: the group's windows are first copied to this thread's scratch
 * (`scratch` + slot · groupBlocks·4·K floats), interleaved by k (x[k][pixel], 4×4 SIMD transposes), so the
 * micro-kernel reads its 4 broadcasts at constant offsets from one pointer; then every filter panel runs
 * over the group. The 4×8 register block is 8 accumulators (independent FMA chains) + 2 filter vectors + 4
 * broadcasts = 14 of the 15 xmm registers V8 allocates (V8 issues a block's loads before its FMAs, so a
 * 5-pixel block spilled accumulators to the stack and ran at half the rate).
 */
export function convForward(
  begin: i32, end: i32, slot: i32,
  xp: usize, packed: usize, bias: usize, relu: i32, out: usize, scratch: usize, groupBlocks: i32,
  pixels: i32, outHeight: i32, outWidth: i32, paddedHeight: i32, paddedWidth: i32,
  ci: i32, co: i32, kh: i32, kw: i32, strideHeight: i32, strideWidth: i32,
): void {
  const run = kw * ci;
  const k = kh * run;
  const panels = (co + PANEL - 1) / PANEL;
  const panelBytes = <usize>k * 32;
  const blockBytes = <usize>k * 16;
  const runBytes = <usize>run * FLOAT;
  const windows = scratch + <usize>slot * <usize>groupBlocks * blockBytes;
  const rowStride = <usize>paddedWidth * <usize>ci * FLOAT;
  const outRowBytes = <usize>co * FLOAT;
  const perImage = outHeight * outWidth;
  const pixelBytes = <usize>ci * FLOAT;
  const zero = f32x4.splat(0);
  for (let groupStart = begin; groupStart < end; groupStart += groupBlocks) {
    const groupEnd = min(end, groupStart + groupBlocks);
    // Copy the group's windows: pixel i of block b at windows + b·blockBytes + k·16 + 4i (4×4 transposes).
    for (let block = groupStart; block < groupEnd; block++) {
      const m0 = block * FORWARD_PIXELS;
      let n = m0 / perImage;
      let oh = (m0 - n * perImage) / outWidth;
      let ow = m0 - n * perImage - oh * outWidth;
      // A partial block repeats its last pixel (computed, not stored).
      const s0 = xp + (<usize>(n * paddedHeight + oh * strideHeight) * <usize>paddedWidth + <usize>(ow * strideWidth)) * pixelBytes;
      if (m0 + 1 < pixels) { ow++; if (ow == outWidth) { ow = 0; oh++; if (oh == outHeight) { oh = 0; n++; } } }
      const s1 = xp + (<usize>(n * paddedHeight + oh * strideHeight) * <usize>paddedWidth + <usize>(ow * strideWidth)) * pixelBytes;
      if (m0 + 2 < pixels) { ow++; if (ow == outWidth) { ow = 0; oh++; if (oh == outHeight) { oh = 0; n++; } } }
      const s2 = xp + (<usize>(n * paddedHeight + oh * strideHeight) * <usize>paddedWidth + <usize>(ow * strideWidth)) * pixelBytes;
      if (m0 + 3 < pixels) { ow++; if (ow == outWidth) { ow = 0; oh++; if (oh == outHeight) { oh = 0; n++; } } }
      const s3 = xp + (<usize>(n * paddedHeight + oh * strideHeight) * <usize>paddedWidth + <usize>(ow * strideWidth)) * pixelBytes;
      let to = windows + <usize>(block - groupStart) * blockBytes;
      let rowOffset: usize = 0;
      for (let fh = 0; fh < kh; fh++) {
        const p0 = s0 + rowOffset, p1 = s1 + rowOffset, p2 = s2 + rowOffset, p3 = s3 + rowOffset;
        let j: usize = 0;
        for (; j + 16 <= runBytes; j += 16) {
          const a = v128.load(p0 + j), b = v128.load(p1 + j), c = v128.load(p2 + j), d = v128.load(p3 + j);
          const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5), cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5);
          const ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7), cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
          v128.store(to, i32x4.shuffle(ab01, cd01, 0, 1, 4, 5));
          v128.store(to, i32x4.shuffle(ab01, cd01, 2, 3, 6, 7), 16);
          v128.store(to, i32x4.shuffle(ab23, cd23, 0, 1, 4, 5), 32);
          v128.store(to, i32x4.shuffle(ab23, cd23, 2, 3, 6, 7), 48);
          to += 64;
        }
        for (; j < runBytes; j += 4) {
          store<f32>(to, load<f32>(p0 + j));
          store<f32>(to, load<f32>(p1 + j), 4);
          store<f32>(to, load<f32>(p2 + j), 8);
          store<f32>(to, load<f32>(p3 + j), 12);
          to += 16;
        }
        rowOffset += rowStride;
      }
    }
    for (let g = 0; g < panels; g++) {
      const panel = packed + <usize>g * panelBytes;
      const columns = min(PANEL, co - g * PANEL);
      let biasLo = zero, biasHi = zero;
      if (bias != 0) {
        biasLo = v128.load(bias + <usize>g * 32);
        biasHi = v128.load(bias + <usize>g * 32, 16);
      }
      for (let block = groupStart; block < groupEnd; block++) {
        const m0 = block * FORWARD_PIXELS;
        const valid = min(FORWARD_PIXELS, pixels - m0);
        let a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
        let q = windows + <usize>(block - groupStart) * blockBytes;
        const qEnd = q + blockBytes;
        let cp = panel;
        for (; q < qEnd; q += 16) {
          const c0 = v128.load(cp, 0), c1 = v128.load(cp, 16);
          let b = v128.load32_splat(q, 0); a00 = madd(b, c0, a00); a01 = madd(b, c1, a01);
          b = v128.load32_splat(q, 4); a10 = madd(b, c0, a10); a11 = madd(b, c1, a11);
          b = v128.load32_splat(q, 8); a20 = madd(b, c0, a20); a21 = madd(b, c1, a21);
          b = v128.load32_splat(q, 12); a30 = madd(b, c0, a30); a31 = madd(b, c1, a31);
          cp += 32;
        }
        a00 = f32x4.add(a00, biasLo); a01 = f32x4.add(a01, biasHi);
        a10 = f32x4.add(a10, biasLo); a11 = f32x4.add(a11, biasHi);
        a20 = f32x4.add(a20, biasLo); a21 = f32x4.add(a21, biasHi);
        a30 = f32x4.add(a30, biasLo); a31 = f32x4.add(a31, biasHi);
        if (relu) {
          a00 = f32x4.max(a00, zero); a01 = f32x4.max(a01, zero);
          a10 = f32x4.max(a10, zero); a11 = f32x4.max(a11, zero);
          a20 = f32x4.max(a20, zero); a21 = f32x4.max(a21, zero);
          a30 = f32x4.max(a30, zero); a31 = f32x4.max(a31, zero);
        }
        const target = out + <usize>m0 * outRowBytes + <usize>g * 32;
        storePanel(target, a00, a01, columns);
        if (valid > 1) storePanel(target + 1 * outRowBytes, a10, a11, columns);
        if (valid > 2) storePanel(target + 2 * outRowBytes, a20, a21, columns);
        if (valid > 3) storePanel(target + 3 * outRowBytes, a30, a31, columns);
      }
    }
  }
}

/**
 * Filter gradient of a convolution, tiles [begin, end): acc[fh, j, o] = Σ_{n, oh, ow} xp[n, oh·sh + fh,
 * ow·sw + j / ci, j % ci] · dy[n, oh, ow, o] for j < kw·ci (rows padded per fh to runPadded, a multiple of
 * 4; columns padded to dyStride, a multiple of 8). A tile is 4 rows × 8 columns (8 accumulators: more made
 * V8 spill); tiles are numbered row block major (panels inner). The reduction over output rows (n, oh) runs
 * in chunks of `chunkRows` rows, the partial sums going through `acc` between chunks: the same sequence of
 * fused multiply-adds as one pass, so the chunk size changes no bit. Each chunk's dy is first copied
 * panel-major into this thread's scratch (`scratch` + slot · chunkRows·OW·dyStride floats), so a tile reads
 * its 8 columns as one contiguous stream. Rows j ≥ kw·ci read past their run (xp needs 3 floats of slack at
 * its end) and hold garbage: the host drops them. dy rows have dyStride floats (zero columns past co).
 */
export function convFilterGradient(
  begin: i32, end: i32, slot: i32,
  xp: usize, dy: usize, acc: usize, scratch: usize,
  batch: i32, outHeight: i32, outWidth: i32, paddedHeight: i32, paddedWidth: i32,
  ci: i32, dyStride: i32, kh: i32, kw: i32, strideHeight: i32, strideWidth: i32, chunkRows: i32,
): void {
  const panelsDy = scratch + <usize>slot * <usize>chunkRows * <usize>outWidth * <usize>dyStride * FLOAT;
  const runPadded = (kw * ci + FILTER_GRADIENT_ROWS - 1) / FILTER_GRADIENT_ROWS * FILTER_GRADIENT_ROWS;
  const blocksPerRow = runPadded / FILTER_GRADIENT_ROWS;
  const panels = dyStride / PANEL;
  const accRowBytes = <usize>dyStride * FLOAT;
  const xRowStride = <usize>paddedWidth * <usize>ci * FLOAT;
  const xStep = <usize>strideWidth * <usize>ci * FLOAT;
  const dyStep = <usize>dyStride * FLOAT;
  const dyRowBytes = <usize>outWidth * dyStep;
  const rows = batch * outHeight;
  const zero = f32x4.splat(0);
  const xRowStep = <usize>strideHeight * xRowStride;
  const xImageStep = <usize>(paddedHeight - outHeight * strideHeight) * xRowStride;
  for (let chunk = 0; chunk < rows; chunk += chunkRows) {
    const chunkEnd = min(rows, chunk + chunkRows);
    const firstImage = chunk / outHeight;
    const firstRow = chunk - firstImage * outHeight;
    const xChunk = xp + <usize>(firstImage * paddedHeight + firstRow * strideHeight) * xRowStride;
    // The chunk's dy, panel-major ([panel][m][8]), so each tile streams its 8 columns contiguously.
    const chunkPixels = (chunkEnd - chunk) * outWidth;
    const panelBytes = <usize>chunkPixels * 32;
    let from = dy + <usize>chunk * dyRowBytes;
    for (let m = 0; m < chunkPixels; m++) {
      let to = panelsDy + <usize>m * 32;
      for (let g = 0; g < panels; g++) {
        const source = from + <usize>g * 32;
        v128.store(to, v128.load(source));
        v128.store(to, v128.load(source, 16), 16);
        to += panelBytes;
      }
      from += dyStep;
    }
    for (let tile = begin; tile < end; tile++) {
      const rowBlock = tile / panels;
      const g = tile - rowBlock * panels;
      const fh = rowBlock / blocksPerRow;
      const j = (rowBlock - fh * blocksPerRow) * FILTER_GRADIENT_ROWS;
      const target = acc + (<usize>(fh * runPadded + j) * <usize>dyStride + <usize>(g * PANEL)) * FLOAT;
      let a00 = zero, a01 = zero, a10 = zero, a11 = zero, a20 = zero, a21 = zero, a30 = zero, a31 = zero;
      if (chunk > 0) {
        a00 = v128.load(target + 0 * accRowBytes); a01 = v128.load(target + 0 * accRowBytes, 16);
        a10 = v128.load(target + 1 * accRowBytes); a11 = v128.load(target + 1 * accRowBytes, 16);
        a20 = v128.load(target + 2 * accRowBytes); a21 = v128.load(target + 2 * accRowBytes, 16);
        a30 = v128.load(target + 3 * accRowBytes); a31 = v128.load(target + 3 * accRowBytes, 16);
      }
      const xOffset = <usize>fh * xRowStride + <usize>j * FLOAT;
      // dy rows are contiguous; x rows advance by the stride, and jump over the padding rows between images.
      let xRow = xChunk + xOffset;
      let oh = firstRow;
      let pd = panelsDy + <usize>g * panelBytes;
      const rowBytes = <usize>outWidth * 32;
      for (let row = chunk; row < chunkEnd; row++) {
        let px = xRow;
        const pdEnd = pd + rowBytes;
        for (; pd < pdEnd; pd += 32) {
          const d0 = v128.load(pd), d1 = v128.load(pd, 16);
          let b = v128.load32_splat(px, 0); a00 = madd(b, d0, a00); a01 = madd(b, d1, a01);
          b = v128.load32_splat(px, 4); a10 = madd(b, d0, a10); a11 = madd(b, d1, a11);
          b = v128.load32_splat(px, 8); a20 = madd(b, d0, a20); a21 = madd(b, d1, a21);
          b = v128.load32_splat(px, 12); a30 = madd(b, d0, a30); a31 = madd(b, d1, a31);
          px += xStep;
        }
        xRow += xRowStep;
        if (++oh == outHeight) {
          oh = 0;
          xRow += xImageStep;
        }
      }
      v128.store(target + 0 * accRowBytes, a00); v128.store(target + 0 * accRowBytes, a01, 16);
      v128.store(target + 1 * accRowBytes, a10); v128.store(target + 1 * accRowBytes, a11, 16);
      v128.store(target + 2 * accRowBytes, a20); v128.store(target + 2 * accRowBytes, a21, 16);
      v128.store(target + 3 * accRowBytes, a30); v128.store(target + 3 * accRowBytes, a31, 16);
    }
  }
}

/**
 * Rows [begin, end) of a strided copy: out[r, 0..columns) = x[r·inStride ..], out rows `outStride` floats
 * apart, columns [columns, outStride) of out zeroed. Pads dy's columns to a multiple of 8 and crops the
 * filter gradient's padded rows and columns.
 */
export function copyRows(
  begin: i32, end: i32, slot: i32,
  x: usize, out: usize, columns: i32, inStride: i32, outStride: i32,
): void {
  const bytes = <usize>columns * FLOAT;
  const tail = <usize>(outStride - columns) * FLOAT;
  for (let r = begin; r < end; r++) {
    const target = out + <usize>r * <usize>outStride * FLOAT;
    memory.copy(target, x + <usize>r * <usize>inStride * FLOAT, bytes);
    if (tail > 0) memory.fill(target + bytes, 0, tail);
  }
}

/**
 * Rows [begin, end) of the filter gradient dW [kh, kw·ci, co] from the padded accumulator [kh, runPadded,
 * accStride]: drops the padding rows and columns.
 */
export function cropFilterGradient(
  begin: i32, end: i32, slot: i32,
  acc: usize, out: usize, run: i32, runPadded: i32, co: i32, accStride: i32,
): void {
  const bytes = <usize>co * FLOAT;
  for (let r = begin; r < end; r++) {
    const fh = r / run;
    const j = r - fh * run;
    memory.copy(out + <usize>r * bytes, acc + <usize>(fh * runPadded + j) * <usize>accStride * FLOAT, bytes);
  }
}

// ---- Helpers of the native GEMM path (src/kernels/gemm-conv.ts): the convolution as im2col + GEMM. ----

/**
 * Rows [begin, end) of the im2col matrix [pixels, kh·kw·ci]: row m is output pixel `first` + m (n·OH·OW order)
 * and holds its window in the padded input, kh runs of kw·ci contiguous floats.
 */
export function im2col(
  begin: i32, end: i32, slot: i32,
  xp: usize, cols: usize, first: i32,
  outHeight: i32, outWidth: i32, paddedHeight: i32, paddedWidth: i32,
  ci: i32, kh: i32, kw: i32, strideHeight: i32, strideWidth: i32,
): void {
  const runBytes = <usize>(kw * ci) * FLOAT;
  const rowBytes = <usize>kh * runBytes;
  const rowStride = <usize>paddedWidth * <usize>ci * FLOAT;
  const perImage = outHeight * outWidth;
  for (let m = begin; m < end; m++) {
    const p = first + m;
    const n = p / perImage;
    const inImage = p - n * perImage;
    const oh = inImage / outWidth;
    const ow = inImage - oh * outWidth;
    const source = xp + (<usize>(n * paddedHeight + oh * strideHeight) * <usize>paddedWidth + <usize>(ow * strideWidth)) * <usize>ci * FLOAT;
    const target = cols + <usize>m * rowBytes;
    for (let fh = 0; fh < kh; fh++) {
      memory.copy(target + <usize>fh * runBytes, source + <usize>fh * rowStride, runBytes);
    }
  }
}

/**
 * Images [begin, end) of the padded input gradient: dxp[firstImage + i] = Σ over the image's output pixels of
 * their im2col rows of `cols`, added back onto their windows (the adjoint of im2col). Each image is summed by
 * one thread in pixel order, so the result does not depend on the thread count.
 */
export function col2im(
  begin: i32, end: i32, slot: i32,
  cols: usize, dxp: usize, firstImage: i32,
  outHeight: i32, outWidth: i32, paddedHeight: i32, paddedWidth: i32,
  ci: i32, kh: i32, kw: i32, strideHeight: i32, strideWidth: i32,
): void {
  const run = kw * ci;
  const runBytes = <usize>run * FLOAT;
  const rowBytes = <usize>kh * runBytes;
  const rowStride = <usize>paddedWidth * <usize>ci * FLOAT;
  const imageBytes = <usize>paddedHeight * rowStride;
  const perImage = outHeight * outWidth;
  const vectorBytes = runBytes & ~(<usize>15);
  for (let image = begin; image < end; image++) {
    const base = dxp + <usize>(firstImage + image) * imageBytes;
    memory.fill(base, 0, imageBytes);
    let source = cols + <usize>image * <usize>perImage * rowBytes;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const window = base + (<usize>(oh * strideHeight) * <usize>paddedWidth + <usize>(ow * strideWidth)) * <usize>ci * FLOAT;
        for (let fh = 0; fh < kh; fh++) {
          const target = window + <usize>fh * rowStride;
          let j: usize = 0;
          for (; j < vectorBytes; j += 16) v128.store(target + j, f32x4.add(v128.load(target + j), v128.load(source + j)));
          for (; j < runBytes; j += 4) store<f32>(target + j, load<f32>(target + j) + load<f32>(source + j));
          source += runBytes;
        }
      }
    }
  }
}

/**
 * Rows [begin, end) of x [n, height, width, c] cut back out of its padded form xp [n, Hp, Wp, c] (the inverse of
 * padInput): x[n, h, w] = xp[n, h + top, w + left], zero where that lies outside xp (input pixels no window
 * reads get a zero gradient).
 */
export function cropPadded(
  begin: i32, end: i32, slot: i32,
  xp: usize, out: usize,
  height: i32, width: i32, channels: i32,
  paddedHeight: i32, paddedWidth: i32, top: i32, left: i32,
): void {
  const pixelBytes = <usize>channels * FLOAT;
  const rowBytes = <usize>width * pixelBytes;
  // Columns w with 0 ≤ w + left < paddedWidth.
  let wLo = max(-left, 0);
  let wHi = min(width, paddedWidth - left);
  if (wLo > width) wLo = width;
  if (wHi < wLo) wHi = wLo;
  for (let r = begin; r < end; r++) {
    const n = r / height;
    const h = r - n * height;
    const target = out + <usize>r * rowBytes;
    const sourceRow = h + top;
    if (sourceRow < 0 || sourceRow >= paddedHeight || wLo == wHi) {
      memory.fill(target, 0, rowBytes);
      continue;
    }
    memory.fill(target, 0, <usize>wLo * pixelBytes);
    const source = xp + (<usize>(n * paddedHeight + sourceRow) * <usize>paddedWidth + <usize>(wLo + left)) * pixelBytes;
    memory.copy(target + <usize>wLo * pixelBytes, source, <usize>(wHi - wLo) * pixelBytes);
    memory.fill(target + <usize>wHi * pixelBytes, 0, <usize>(width - wHi) * pixelBytes);
  }
}

/** Rows [begin, end) of out [rows, co]: out[r, o] = act(out[r, o] + bias[o]); `bias` = 0 for none, `relu` ≠ 0 clamps at 0. */
export function biasActivation(begin: i32, end: i32, slot: i32, out: usize, bias: usize, co: i32, relu: i32): void {
  const rowBytes = <usize>co * FLOAT;
  const vectorBytes = rowBytes & ~(<usize>15);
  const zero = f32x4.splat(0);
  for (let r = begin; r < end; r++) {
    const row = out + <usize>r * rowBytes;
    let j: usize = 0;
    for (; j < vectorBytes; j += 16) {
      let v = v128.load(row + j);
      if (bias != 0) v = f32x4.add(v, v128.load(bias + j));
      if (relu) v = f32x4.max(v, zero);
      v128.store(row + j, v);
    }
    for (; j < rowBytes; j += 4) {
      let v = load<f32>(row + j);
      if (bias != 0) v += load<f32>(bias + j);
      if (relu) v = max<f32>(v, 0);
      store<f32>(row + j, v);
    }
  }
}

/**
 * Rows [begin, end) of a binary op between x [rows, c] and a vector v [c] broadcast over the rows: out[r, j] =
 * op(x[r, j], v[j]), or op(v[j], x[r, j]) when `vectorFirst` ≠ 0. op: 0 add, 1 subtract, 2 multiply, 3 divide.
 * (Batch norm's statistics and its gradient are such ops; the package computes them element by element with
 * broadcast index arithmetic.)
 */
export function channelOp(begin: i32, end: i32, slot: i32, x: usize, v: usize, out: usize, channels: i32, op: i32, vectorFirst: i32): void {
  const rowBytes = <usize>channels * FLOAT;
  const vectorBytes = rowBytes & ~(<usize>15);
  for (let r = begin; r < end; r++) {
    const row = x + <usize>r * rowBytes;
    const target = out + <usize>r * rowBytes;
    let j: usize = 0;
    for (; j < vectorBytes; j += 16) {
      let a = v128.load(row + j);
      let b = v128.load(v + j);
      if (vectorFirst) {
        const t = a;
        a = b;
        b = t;
      }
      let result: v128;
      if (op == 0) result = f32x4.add(a, b);
      else if (op == 1) result = f32x4.sub(a, b);
      else if (op == 2) result = f32x4.mul(a, b);
      else result = f32x4.div(a, b);
      v128.store(target + j, result);
    }
    for (; j < rowBytes; j += 4) {
      let a = load<f32>(row + j);
      let b = load<f32>(v + j);
      if (vectorFirst) {
        const t = a;
        a = b;
        b = t;
      }
      let result: f32;
      if (op == 0) result = a + b;
      else if (op == 1) result = a - b;
      else if (op == 2) result = a * b;
      else result = a / b;
      store<f32>(target + j, result);
    }
  }
}

/** Rows [begin, end) of out [rows, c] = x · a + b with per-channel vectors a, b [c] (batch norm's normalisation). */
export function channelAffine(begin: i32, end: i32, slot: i32, x: usize, a: usize, b: usize, out: usize, channels: i32): void {
  const rowBytes = <usize>channels * FLOAT;
  const vectorBytes = rowBytes & ~(<usize>15);
  for (let r = begin; r < end; r++) {
    const row = x + <usize>r * rowBytes;
    const target = out + <usize>r * rowBytes;
    let j: usize = 0;
    for (; j < vectorBytes; j += 16) v128.store(target + j, f32x4.add(f32x4.mul(v128.load(row + j), v128.load(a + j)), v128.load(b + j)));
    for (; j < rowBytes; j += 4) store<f32>(target + j, load<f32>(row + j) * load<f32>(a + j) + load<f32>(b + j));
  }
}

/** Elements [begin·4096, min(end·4096, count)) of out = op(x): op 0 ReLU (max(x, 0), NaN kept), 1 square. */
export function elementwise(begin: i32, end: i32, slot: i32, x: usize, out: usize, count: i32, op: i32): void {
  const first = begin * 4096;
  const last = min(end * 4096, count);
  const zero = f32x4.splat(0);
  let i = first;
  for (; i + 4 <= last; i += 4) {
    const p = <usize>i * FLOAT;
    const v = v128.load(x + p);
    v128.store(out + p, op == 0 ? f32x4.max(v, zero) : f32x4.mul(v, v));
  }
  for (; i < last; i++) {
    const p = <usize>i * FLOAT;
    const v = load<f32>(x + p);
    store<f32>(out + p, op == 0 ? max<f32>(v, 0) : v * v);
  }
}

// ---- Column sums on the kernel team: out[c] = Σ_r x[r, c], units of 16 columns. ----
// The bias gradient and batch norm's statistics (a Sum / Mean over every axis but the channels of an NHWC
// tensor). Sixteen columns (one cache line per row) are summed at a time in float64 registers, so every element
// is read once and the sum of ~10⁵ rows keeps float32 accuracy (the cpu backend also sums in float64). Each
// column is summed in row order by one thread, so the split changes no bit.

@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
}

@inline function storeDemoted(out: usize, a: v128, b: v128): void {
  v128.store(out, i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5));
}

export function columnSum(begin: i32, end: i32, slot: i32, x: usize, out: usize, rows: i32, columns: i32): void {
  const rowBytes = <usize>columns * FLOAT;
  let c = begin * 16;
  const last = min(end * 16, columns);
  for (; c + 16 <= last; c += 16) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let s4 = f64x2.splat(0), s5 = f64x2.splat(0), s6 = f64x2.splat(0), s7 = f64x2.splat(0);
    let pointer = x + <usize>c * FLOAT;
    for (let r = 0; r < rows; r++) {
      const a = v128.load(pointer);
      const b = v128.load(pointer, 16);
      const d = v128.load(pointer, 32);
      const e = v128.load(pointer, 48);
      s0 = f64x2.add(s0, low(a));
      s1 = f64x2.add(s1, high(a));
      s2 = f64x2.add(s2, low(b));
      s3 = f64x2.add(s3, high(b));
      s4 = f64x2.add(s4, low(d));
      s5 = f64x2.add(s5, high(d));
      s6 = f64x2.add(s6, low(e));
      s7 = f64x2.add(s7, high(e));
      pointer += rowBytes;
    }
    const target = out + <usize>c * FLOAT;
    storeDemoted(target, s0, s1);
    storeDemoted(target + 16, s2, s3);
    storeDemoted(target + 32, s4, s5);
    storeDemoted(target + 48, s6, s7);
  }
  for (; c + 4 <= last; c += 4) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
    let pointer = x + <usize>c * FLOAT;
    for (let r = 0; r < rows; r++) {
      const a = v128.load(pointer);
      s0 = f64x2.add(s0, low(a));
      s1 = f64x2.add(s1, high(a));
      pointer += rowBytes;
    }
    storeDemoted(out + <usize>c * FLOAT, s0, s1);
  }
  for (; c < last; c++) {
    let sum: f64 = 0;
    let pointer = x + <usize>c * FLOAT;
    for (let r = 0; r < rows; r++) {
      sum += <f64>load<f32>(pointer);
      pointer += rowBytes;
    }
    store<f32>(out + <usize>c * FLOAT, <f32>sum);
  }
}

// ---- MaxPoolGrad on the kernel team: units are images (max-pool-grad.ts computes each image alone). ----

export function maxPoolGradImages(
  begin: i32,
  end: i32,
  slot: i32,
  x: usize,
  dy: usize,
  dx: usize,
  inHeight: i32,
  inWidth: i32,
  channels: i32,
  outHeight: i32,
  outWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  filterHeight: i32,
  filterWidth: i32,
  padTop: i32,
  padLeft: i32,
): void {
  for (let n = begin; n < end; n++) {
    maxPoolGradImage(n, x, dy, dx, inHeight, inWidth, channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth, padTop, padLeft);
  }
}
