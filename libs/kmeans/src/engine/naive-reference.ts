/** Straightforward float64 nearest-centroid search: the reference the fast engines are tested against. */
export function naiveNearest(points: Float32Array, centroids: Float32Array, dims: number): { labels: Int32Array; distances: Float64Array; secondBest: Float64Array } {
  const rows = points.length / dims;
  const k = centroids.length / dims;
  const labels = new Int32Array(rows);
  const distances = new Float64Array(rows);
  const secondBest = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = Infinity;
    let second = Infinity;
    let bestIndex = -1;
    for (let c = 0; c < k; c++) {
      let sum = 0;
      for (let p = 0; p < dims; p++) {
        const diff = points[r * dims + p] - centroids[c * dims + p];
        sum += diff * diff;
      }
      if (sum < best) {
        second = best;
        best = sum;
        bestIndex = c;
      } else if (sum < second) second = sum;
    }
    labels[r] = bestIndex;
    distances[r] = best;
    secondBest[r] = second;
  }
  return { labels, distances, secondBest };
}
