/**
 * {@link adaptiveMaxPool}'s binning on plain NHWC floats, writing one row of gh·gw·C per image into `out`.
 * The feature extractor pools this way after reading activations back: on CPU backends a tight loop beats the
 * dozen slice/max/concat kernels the tensor version needs for non-divisible grids.
 */
export function adaptiveMaxPoolRows(
  values: Float32Array,
  shape: readonly [number, number, number, number],
  grid: readonly [number, number],
  out: Float32Array,
  outOffset = 0,
): void {
  const [n, h, w, c] = shape;
  const [gh, gw] = grid;
  if (values.length !== n * h * w * c) throw new Error(`adaptiveMaxPoolRows: ${values.length} values do not fill shape [${shape}]`);
  if (out.length < outOffset + n * gh * gw * c) throw new Error(`adaptiveMaxPoolRows: output too small for ${n}×${gh}×${gw}×${c}`);
  const rowStart = binEdges(h, gh, Math.floor);
  const rowEnd = binEdges(h, gh, Math.ceil, 1);
  const colStart = binEdges(w, gw, Math.floor);
  const colEnd = binEdges(w, gw, Math.ceil, 1);
  let o = outOffset;
  for (let image = 0; image < n; image++) {
    const base = image * h * w * c;
    for (let i = 0; i < gh; i++) {
      for (let j = 0; j < gw; j++) {
        out.fill(-Infinity, o, o + c);
        for (let y = rowStart[i]; y < rowEnd[i]; y++) {
          for (let x = colStart[j]; x < colEnd[j]; x++) {
            const p = base + (y * w + x) * c;
            for (let k = 0; k < c; k++) if (values[p + k] > out[o + k]) out[o + k] = values[p + k];
          }
        }
        o += c;
      }
    }
  }
}

/** round((i + shift)·size/bins) for every bin i. */
function binEdges(size: number, bins: number, round: (v: number) => number, shift = 0): Int32Array {
  return Int32Array.from({ length: bins }, (_, i) => round(((i + shift) * size) / bins));
}
