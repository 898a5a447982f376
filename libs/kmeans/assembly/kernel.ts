/**
 * Lloyd k-means kernels over one shared linear memory. Every pointer is a byte offset chosen by the host;
 * nothing here allocates, so any number of instances (one per worker thread) can share the memory.
 *
 * Centroids are packed for the assignment kernel in panels of 8: panel g holds, for each dimension p,
 * the 8 values c[8g..8g+7][p] contiguously, so one micro-kernel step loads 2 vectors of centroids and
 * broadcasts one scalar per point.
 */

/** Marker type arguments: the fused variant multiplies-adds with relaxed SIMD (an FMA on x86 with FMA3). */
export type Fused = f32;
export type Separate = i32;

export const PANEL: i32 = 8;
export const ROW_BLOCK: i32 = 4;

@inline function madd<M>(a: v128, b: v128, c: v128): v128 {
  if (isFloat<M>()) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * Packs k×d row-major centroids into 8-wide panels (k rounded up to a multiple of 8; padding centroids get an
 * infinite norm so they never win) and writes their squared norms.
 */
export function packCentroids(centroids: usize, k: i32, d: i32, packed: usize, norms: usize): void {
  const kPadded = (k + PANEL - 1) & ~(PANEL - 1);
  for (let c = 0; c < kPadded; c++) {
    const panel = packed + <usize>(c >> 3) * <usize>d * 32 + <usize>(c & 7) * 4;
    if (c < k) {
      const src = centroids + <usize>c * <usize>d * 4;
      let norm: f64 = 0;
      for (let p = 0; p < d; p++) {
        const v = load<f32>(src + <usize>p * 4);
        store<f32>(panel + <usize>p * 32, v);
        norm += <f64>v * <f64>v;
      }
      store<f32>(norms + <usize>c * 4, <f32>norm);
    } else {
      for (let p = 0; p < d; p++) store<f32>(panel + <usize>p * 32, 0);
      store<f32>(norms + <usize>c * 4, Infinity);
    }
  }
}

/** Index of the smallest of 4 lane scores; ties go to the smaller centroid index. */
@inline function laneArgmin(best: v128, bestIndex: v128, out: usize): f32 {
  let v = f32x4.extract_lane(best, 0);
  let i = i32x4.extract_lane(bestIndex, 0);
  for (let lane: u8 = 1; lane < 4; lane++) {
    // extract_lane needs a constant lane, so go through memory for the loop form.
    v128.store(out, best);
    v128.store(out, bestIndex, 16);
    const lv = load<f32>(out + <usize>lane * 4);
    const li = load<i32>(out + 16 + <usize>lane * 4);
    if (lv < v || (lv == v && li < i)) { v = lv; i = li; }
  }
  store<i32>(out + 32, i);
  return v;
}

/**
 * Dot products of 4 rows (x0..x3, d floats each) with the 8 vectors of one packed panel, written to `acc` as
 * 8 f32x4: acc[2i] = x_i·c[0..3], acc[2i+1] = x_i·c[4..7]. The 4×8 register block (8 f32x4 accumulators)
 * keeps the loop at 6 loads per 8 multiply-adds, and fits x86's 16 vector registers without spills.
 */
@inline function dotPanel4x8<M>(x0: usize, x1: usize, x2: usize, x3: usize, panel: usize, d: i32, acc: usize): void {
  let cp = panel;
  let a00 = f32x4.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  let p: usize = 0;
  const end4 = <usize>(d & ~3) * 4;
  for (; p < end4; p += 16) {
    let c0 = v128.load(cp, 0), c1 = v128.load(cp, 16);
    let b = v128.load32_splat(x0 + p, 0); a00 = madd<M>(b, c0, a00); a01 = madd<M>(b, c1, a01);
    b = v128.load32_splat(x1 + p, 0); a10 = madd<M>(b, c0, a10); a11 = madd<M>(b, c1, a11);
    b = v128.load32_splat(x2 + p, 0); a20 = madd<M>(b, c0, a20); a21 = madd<M>(b, c1, a21);
    b = v128.load32_splat(x3 + p, 0); a30 = madd<M>(b, c0, a30); a31 = madd<M>(b, c1, a31);
    c0 = v128.load(cp, 32); c1 = v128.load(cp, 48);
    b = v128.load32_splat(x0 + p, 4); a00 = madd<M>(b, c0, a00); a01 = madd<M>(b, c1, a01);
    b = v128.load32_splat(x1 + p, 4); a10 = madd<M>(b, c0, a10); a11 = madd<M>(b, c1, a11);
    b = v128.load32_splat(x2 + p, 4); a20 = madd<M>(b, c0, a20); a21 = madd<M>(b, c1, a21);
    b = v128.load32_splat(x3 + p, 4); a30 = madd<M>(b, c0, a30); a31 = madd<M>(b, c1, a31);
    c0 = v128.load(cp, 64); c1 = v128.load(cp, 80);
    b = v128.load32_splat(x0 + p, 8); a00 = madd<M>(b, c0, a00); a01 = madd<M>(b, c1, a01);
    b = v128.load32_splat(x1 + p, 8); a10 = madd<M>(b, c0, a10); a11 = madd<M>(b, c1, a11);
    b = v128.load32_splat(x2 + p, 8); a20 = madd<M>(b, c0, a20); a21 = madd<M>(b, c1, a21);
    b = v128.load32_splat(x3 + p, 8); a30 = madd<M>(b, c0, a30); a31 = madd<M>(b, c1, a31);
    c0 = v128.load(cp, 96); c1 = v128.load(cp, 112);
    b = v128.load32_splat(x0 + p, 12); a00 = madd<M>(b, c0, a00); a01 = madd<M>(b, c1, a01);
    b = v128.load32_splat(x1 + p, 12); a10 = madd<M>(b, c0, a10); a11 = madd<M>(b, c1, a11);
    b = v128.load32_splat(x2 + p, 12); a20 = madd<M>(b, c0, a20); a21 = madd<M>(b, c1, a21);
    b = v128.load32_splat(x3 + p, 12); a30 = madd<M>(b, c0, a30); a31 = madd<M>(b, c1, a31);
    cp += 128;
  }
  const end = <usize>d * 4;
  for (; p < end; p += 4) {
    const c0 = v128.load(cp, 0), c1 = v128.load(cp, 16);
    let b = v128.load32_splat(x0 + p, 0); a00 = madd<M>(b, c0, a00); a01 = madd<M>(b, c1, a01);
    b = v128.load32_splat(x1 + p, 0); a10 = madd<M>(b, c0, a10); a11 = madd<M>(b, c1, a11);
    b = v128.load32_splat(x2 + p, 0); a20 = madd<M>(b, c0, a20); a21 = madd<M>(b, c1, a21);
    b = v128.load32_splat(x3 + p, 0); a30 = madd<M>(b, c0, a30); a31 = madd<M>(b, c1, a31);
    cp += 32;
  }
  v128.store(acc, a00, 0); v128.store(acc, a01, 16);
  v128.store(acc, a10, 32); v128.store(acc, a11, 48);
  v128.store(acc, a20, 64); v128.store(acc, a21, 80);
  v128.store(acc, a30, 96); v128.store(acc, a31, 112);
}

/**
 * Nearest centroid for rows [rowStart, rowEnd) of x (row-major, d floats a row, rowEnd − rowStart a multiple
 * of 4; the host pads). Writes labels[i] and distances[i] = max(0, ‖x‖² + ‖c‖² − 2x·c). `scratch` needs
 * 192 bytes per thread.
 */
export function assignRowsImpl<M>(
  x: usize, d: i32, rowStart: i32, rowEnd: i32,
  packed: usize, norms: usize, k: i32,
  labels: usize, distances: usize, scratch: usize,
): void {
  const panels = (k + PANEL - 1) >> 3;
  const rowBytes = <usize>d * 4;
  const panelBytes = <usize>d * 32;
  const minusTwo = f32x4.splat(-2);
  const four = i32x4.splat(4);
  const acc = scratch + 64;
  for (let row = rowStart; row < rowEnd; row += ROW_BLOCK) {
    const x0 = x + <usize>row * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    let best0 = f32x4.splat(Infinity), best1 = best0, best2 = best0, best3 = best0;
    let idx0 = i32x4.splat(0), idx1 = idx0, idx2 = idx0, idx3 = idx0;
    let laneIndex = i32x4(0, 1, 2, 3);
    for (let g = 0; g < panels; g++) {
      dotPanel4x8<M>(x0, x1, x2, x3, packed + <usize>g * panelBytes, d, acc);
      // score = ‖c‖² − 2 x·c; keep the running minimum per lane (lane j sees centroids j, j+4, j+8, ...).
      const n0 = v128.load(norms + <usize>g * 32, 0), n1 = v128.load(norms + <usize>g * 32, 16);
      const i0 = laneIndex, i1 = i32x4.add(laneIndex, four);
      let s = madd<M>(v128.load(acc, 0), minusTwo, n0); let m = f32x4.lt(s, best0);
      best0 = v128.bitselect(s, best0, m); idx0 = v128.bitselect(i0, idx0, m);
      s = madd<M>(v128.load(acc, 16), minusTwo, n1); m = f32x4.lt(s, best0);
      best0 = v128.bitselect(s, best0, m); idx0 = v128.bitselect(i1, idx0, m);
      s = madd<M>(v128.load(acc, 32), minusTwo, n0); m = f32x4.lt(s, best1);
      best1 = v128.bitselect(s, best1, m); idx1 = v128.bitselect(i0, idx1, m);
      s = madd<M>(v128.load(acc, 48), minusTwo, n1); m = f32x4.lt(s, best1);
      best1 = v128.bitselect(s, best1, m); idx1 = v128.bitselect(i1, idx1, m);
      s = madd<M>(v128.load(acc, 64), minusTwo, n0); m = f32x4.lt(s, best2);
      best2 = v128.bitselect(s, best2, m); idx2 = v128.bitselect(i0, idx2, m);
      s = madd<M>(v128.load(acc, 80), minusTwo, n1); m = f32x4.lt(s, best2);
      best2 = v128.bitselect(s, best2, m); idx2 = v128.bitselect(i1, idx2, m);
      s = madd<M>(v128.load(acc, 96), minusTwo, n0); m = f32x4.lt(s, best3);
      best3 = v128.bitselect(s, best3, m); idx3 = v128.bitselect(i0, idx3, m);
      s = madd<M>(v128.load(acc, 112), minusTwo, n1); m = f32x4.lt(s, best3);
      best3 = v128.bitselect(s, best3, m); idx3 = v128.bitselect(i1, idx3, m);
      laneIndex = i32x4.add(laneIndex, i32x4.splat(PANEL));
    }
    finishRow(x0, d, laneArgmin(best0, idx0, scratch), scratch, labels, distances, row);
    finishRow(x1, d, laneArgmin(best1, idx1, scratch), scratch, labels, distances, row + 1);
    finishRow(x2, d, laneArgmin(best2, idx2, scratch), scratch, labels, distances, row + 2);
    finishRow(x3, d, laneArgmin(best3, idx3, scratch), scratch, labels, distances, row + 3);
  }
}

/**
 * out[i][j] (+)= a_i·b_j for rows i in [rowStart, rowEnd) of a (multiple of 4, host-padded) and the n vectors
 * b_j packed in panels (see packCentroids); out is row-major with `outStride` floats a row and only j < n is
 * written. `accumulate` ≠ 0 adds to out instead of overwriting. `scratch` needs 192 bytes.
 */
export function multiplyTransposedImpl<M>(
  a: usize, d: i32, rowStart: i32, rowEnd: i32, packed: usize, n: i32,
  out: usize, outStride: i32, accumulate: i32, scratch: usize,
): void {
  const panels = (n + PANEL - 1) >> 3;
  const rowBytes = <usize>d * 4;
  const panelBytes = <usize>d * 32;
  const acc = scratch + 64;
  for (let row = rowStart; row < rowEnd; row += ROW_BLOCK) {
    const x0 = a + <usize>row * rowBytes;
    for (let g = 0; g < panels; g++) {
      dotPanel4x8<M>(x0, x0 + rowBytes, x0 + 2 * rowBytes, x0 + 3 * rowBytes, packed + <usize>g * panelBytes, d, acc);
      const columns = min(PANEL, n - g * PANEL);
      for (let i = 0; i < ROW_BLOCK; i++) {
        const dst = out + (<usize>(row + i) * <usize>outStride + <usize>(g * PANEL)) * 4;
        for (let j = 0; j < columns; j++) {
          const value = load<f32>(acc + <usize>(i * 32 + j * 4));
          store<f32>(dst + <usize>j * 4, accumulate ? load<f32>(dst + <usize>j * 4) + value : value);
        }
      }
    }
  }
}

@inline function finishRow(
  xRow: usize, d: i32, score: f32, scratch: usize, labels: usize, distances: usize, row: i32,
): void {
  store<i32>(labels + <usize>row * 4, load<i32>(scratch + 32));
  const distance = squaredNorm(xRow, d) + score;
  store<f32>(distances + <usize>row * 4, distance > 0 ? distance : 0);
}

@inline function squaredNorm(xRow: usize, d: i32): f32 {
  let acc = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= d; p += 4) {
    const v = v128.load(xRow + <usize>p * 4);
    acc = f32x4.add(f32x4.mul(v, v), acc);
  }
  let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; p < d; p++) {
    const v = load<f32>(xRow + <usize>p * 4);
    sum += v * v;
  }
  return sum;
}

/**
 * Adds every row of x into sums[labels[row]] (f64, k×d) and counts rows per label, for columns
 * [colStart, colEnd) only: threads split the columns, so each sum is always taken in row order and the result
 * does not depend on the number of threads. The thread owning column 0 also counts.
 */
export function accumulateColumns(
  x: usize, d: i32, rows: i32, labels: usize, colStart: i32, colEnd: i32, sums: usize, counts: usize,
): void {
  const rowBytes = <usize>d * 4;
  const countRows = colStart == 0;
  for (let row = 0; row < rows; row++) {
    const label = load<i32>(labels + <usize>row * 4);
    const src = x + <usize>row * rowBytes;
    const dst = sums + <usize>label * <usize>d * 8;
    let p = colStart;
    for (; p + 4 <= colEnd; p += 4) {
      const v = v128.load(src + <usize>p * 4);
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      const at = dst + <usize>p * 8;
      v128.store(at, f64x2.add(v128.load(at), lo));
      v128.store(at, f64x2.add(v128.load(at, 16), hi), 16);
    }
    for (; p < colEnd; p++) {
      const at = dst + <usize>p * 8;
      store<f64>(at, load<f64>(at) + <f64>load<f32>(src + <usize>p * 4));
    }
    if (countRows) {
      const at = counts + <usize>label * 8;
      store<f64>(at, load<f64>(at) + 1);
    }
  }
}

/** minDistances[row] = min(minDistances[row], ‖x_row − center‖²), for k-means++ seeding. */
export function updateMinDistances(x: usize, d: i32, rows: i32, center: usize, minDistances: usize): void {
  const rowBytes = <usize>d * 4;
  for (let row = 0; row < rows; row++) {
    const src = x + <usize>row * rowBytes;
    let acc = f32x4.splat(0);
    let p = 0;
    for (; p + 4 <= d; p += 4) {
      const diff = f32x4.sub(v128.load(src + <usize>p * 4), v128.load(center + <usize>p * 4));
      acc = f32x4.add(f32x4.mul(diff, diff), acc);
    }
    let sum = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; p < d; p++) {
      const diff = load<f32>(src + <usize>p * 4) - load<f32>(center + <usize>p * 4);
      sum += diff * diff;
    }
    const at = minDistances + <usize>row * 4;
    if (sum < load<f32>(at)) store<f32>(at, sum);
  }
}
