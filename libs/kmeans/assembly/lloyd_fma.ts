/** Entry point: the Lloyd kernels with fused multiply-add (relaxed SIMD; needs V8's relaxed-SIMD support). */
import { assignRowsImpl, multiplyTransposedImpl, Fused } from './kernel';

export { packCentroids, accumulateColumns, updateMinDistances } from './kernel';

export function assignRows(
  x: usize, d: i32, rowStart: i32, rowEnd: i32,
  packed: usize, norms: usize, k: i32,
  labels: usize, distances: usize, scratch: usize,
): void {
  assignRowsImpl<Fused>(x, d, rowStart, rowEnd, packed, norms, k, labels, distances, scratch);
}

export function multiplyTransposed(
  a: usize, d: i32, rowStart: i32, rowEnd: i32, packed: usize, n: i32,
  out: usize, outStride: i32, accumulate: i32, scratch: usize,
): void {
  multiplyTransposedImpl<Fused>(a, d, rowStart, rowEnd, packed, n, out, outStride, accumulate, scratch);
}
