/** An interleaved uint8 image, rows top to bottom. */
export interface Raster {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/**
 * Bilinear resampling of the region (x0, y0, w, h) of `source` to width×height, sampling at pixel centres
 * (half-pixel convention, as tf.image.resizeBilinear with halfPixelCenters and OpenCV's INTER_LINEAR), edges clamped.
 * Pure arithmetic on integers and doubles, so the same inputs give the same bytes everywhere.
 */
export function resizeBilinear(
  source: Raster,
  width: number,
  height: number,
  region: { x: number; y: number; w: number; h: number } = { x: 0, y: 0, w: source.width, h: source.height },
): Raster {
  const { channels } = source;
  const out = new Uint8Array(width * height * channels);
  const sx = region.w / width;
  const sy = region.h / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max(region.y + (y + 0.5) * sy - 0.5, 0), source.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, source.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max(region.x + (x + 0.5) * sx - 0.5, 0), source.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, source.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const at = (px: number, py: number) => source.data[(py * source.width + px) * channels + c];
        const top = at(x0, y0) * (1 - wx) + at(x1, y0) * wx;
        const bottom = at(x0, y1) * (1 - wx) + at(x1, y1) * wx;
        out[(y * width + x) * channels + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, channels, data: out };
}
