/**
 * The one hot loop of k-means: nearest centroid for every point, plus the per-cluster sums the update step
 * needs. Engines differ in where they run (WASM SIMD threads on the CPU, TensorFlow.js on a GPU backend)
 * but must agree on the result.
 */
export interface DistanceEngine {
  /** Short description for logs and benchmarks, e.g. "wasm-fma×2". */
  readonly name: string;
  /** Installs k×dims row-major centroids and zeroes the accumulated sums and counts. */
  setCentroids(centroids: Float32Array, k: number, dims: number): Promise<void>;
  /**
   * For each row of `points` (row-major, `dims` columns) writes the nearest centroid's index to `labels` and
   * the squared L2 distance to it to `distances`; ties go to the smaller index. With `accumulate`, also adds
   * each row to its cluster's sum and count (read with `readAccumulated`).
   */
  assign(points: Float32Array, labels: Int32Array, distances: Float32Array, accumulate?: boolean): Promise<void>;
  /**
   * Optional: the caller promises that `blocks` (row blocks it will pass to `assign` again and again, as the
   * iterations of a fit do) stay unchanged until `releaseResident`, so an engine whose memory is elsewhere (a
   * GPU) may keep a copy there instead of uploading them on every call. Engines without it copy every time.
   */
  keepResident?(blocks: readonly Float32Array[]): void;
  /** Drops what `keepResident` kept. */
  releaseResident?(): void;
  /** Per-cluster sums (k×dims, float64) and counts accumulated since the last `setCentroids`. */
  readAccumulated(): Promise<ClusterAccumulation>;
  /** Releases threads and device memory. */
  dispose(): Promise<void>;
}

export interface ClusterAccumulation {
  sums: Float64Array;
  counts: Float64Array;
}

/** Checks the arguments every engine's `assign` receives. */
export function checkAssignArguments(
  points: Float32Array, labels: Int32Array, distances: Float32Array, dims: number,
): number {
  if (dims <= 0) throw new Error('setCentroids must be called before assign');
  if (points.length % dims !== 0) {
    throw new RangeError(`points has ${points.length} values, not a multiple of dims=${dims}`);
  }
  const rows = points.length / dims;
  if (labels.length < rows || distances.length < rows) {
    throw new RangeError(`labels/distances hold ${labels.length}/${distances.length} entries for ${rows} rows`);
  }
  return rows;
}
