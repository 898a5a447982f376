/**
 * Per-tile, per-channel standardisation of interleaved (HWC) tiles: each channel of each tile gets mean 0 and
 * (population) standard deviation 1. A flat channel (std below FLAT_STD, e.g. a uniform sky tile in gray)
 * is only centred, as the paper's loaders do by replacing a zero std with 1, instead of dividing by ~0.
 */
export const FLAT_STD = 1e-6;

/** Normalises `count` consecutive tiles of `pixelsPerTile` pixels × `channels` channels, in place. */
export function normaliseTiles(data: Float32Array, count: number, pixelsPerTile: number, channels: number): void {
  const tileLength = pixelsPerTile * channels;
  if (data.length < count * tileLength) {
    throw new Error(`normaliseTiles: ${count} tiles of ${tileLength} values need ${count * tileLength} values, got ${data.length}`);
  }
  for (let tile = 0; tile < count; tile++) {
    const start = tile * tileLength;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let i = start + c; i < start + tileLength; i += channels) sum += data[i]!;
      const mean = sum / pixelsPerTile;
      // Two passes (mean, then squared deviations): exact zero variance for flat tiles, no cancellation.
      let squaredDeviations = 0;
      for (let i = start + c; i < start + tileLength; i += channels) {
        const deviation = data[i]! - mean;
        squaredDeviations += deviation * deviation;
      }
      const std = Math.sqrt(squaredDeviations / pixelsPerTile);
      const scale = std < FLAT_STD ? 1 : 1 / std;
      for (let i = start + c; i < start + tileLength; i += channels) data[i] = (data[i]! - mean) * scale;
    }
  }
}
