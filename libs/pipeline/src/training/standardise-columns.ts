/**
 * Per-column z-scores of a rows × dims matrix: (x − mean) / std, with mean and std over the rows. Columns that
 * (almost) never vary carry nothing to learn and become 0 rather than noise blown up by a tiny std.
 */
export function standardiseColumns(data: Float32Array, dims: number): Float32Array {
  if (dims < 1 || data.length % dims !== 0) throw new Error(`standardiseColumns: ${data.length} values are not rows of ${dims} dims`);
  const rows = data.length / dims;
  const mean = new Float64Array(dims);
  const sq = new Float64Array(dims);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dims; d++) {
      const v = data[r * dims + d];
      mean[d] += v;
      sq[d] += v * v;
    }
  }
  const scale = new Float64Array(dims);
  for (let d = 0; d < dims; d++) {
    mean[d] /= Math.max(1, rows);
    const variance = sq[d] / Math.max(1, rows) - mean[d] * mean[d];
    scale[d] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - mean[i % dims]) * scale[i % dims];
  return out;
}
