/**
 * The finest pooling grid [gh, gw] (at most the layer's own resolution, shrinking both sides together) for
 * which gh·gw·channels ≤ maxDims: the paper's Table 4 pools every conv layer to about 9k dims for linear probes.
 * A layer with more channels than maxDims gets [1, 1] (channels are never mixed).
 *
 * @param layerShape [height, width, channels] of the layer's activations.
 */
export function poolToMaxDims(layerShape: readonly [number, number, number], maxDims = 9216): [number, number] {
  const [height, width, channels] = layerShape;
  if (![height, width, channels, maxDims].every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`poolToMaxDims: layerShape and maxDims must be positive integers, got [${layerShape}] and ${maxDims}`);
  }
  for (let side = Math.max(height, width); side > 1; side--) {
    const grid: [number, number] = [Math.min(height, side), Math.min(width, side)];
    if (grid[0] * grid[1] * channels <= maxDims) return grid;
  }
  return [1, 1];
}
