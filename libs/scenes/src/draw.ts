import type { PixelBox } from './scene.js';
import type { Raster } from './raster.js';

export type Rgb = [number, number, number];

/** PASCAL VOC's label colours (bits of the label spread over R, G, B): label 0 black, 1 maroon, 2 green, … */
export function vocColour(label: number): Rgb {
  const colour: Rgb = [0, 0, 0];
  let value = label;
  for (let shift = 7; shift >= 0 && value > 0; shift--) {
    for (let c = 0; c < 3; c++) colour[c] |= ((value >> c) & 1) << shift;
    value >>= 3;
  }
  return colour;
}

function rgbCopy(image: Raster): Raster {
  if (image.channels === 3) return { ...image, data: Uint8Array.from(image.data) };
  if (image.channels !== 1) throw new Error(`expected 1 or 3 channels, got ${image.channels}`);
  const data = new Uint8Array(image.width * image.height * 3);
  image.data.forEach((v, p) => data.fill(v, p * 3, p * 3 + 3));
  return { ...image, channels: 3, data };
}

/**
 * A copy of `image` (RGB; grey is replicated) with a 1-pixel outline per box in its class's VOC colour (class c →
 * label c + 1), for figures of ground truth or predictions. Boxes are clipped to the image; fractional boxes are
 * rounded to the pixels they cover.
 */
export function drawBoxes(image: Raster, boxes: readonly { classId: number; box: PixelBox }[]): Raster {
  const out = rgbCopy(image);
  const paint = (x: number, y: number, colour: Rgb) => {
    if (x >= 0 && y >= 0 && x < out.width && y < out.height) out.data.set(colour, (y * out.width + x) * 3);
  };
  for (const { classId, box } of boxes) {
    const colour = vocColour(classId + 1);
    const x0 = Math.round(box.x);
    const y0 = Math.round(box.y);
    const x1 = Math.round(box.x + box.w) - 1;
    const y1 = Math.round(box.y + box.h) - 1;
    for (let x = x0; x <= x1; x++) {
      paint(x, y0, colour);
      paint(x, y1, colour);
    }
    for (let y = y0; y <= y1; y++) {
      paint(x0, y, colour);
      paint(x1, y, colour);
    }
  }
  return out;
}

/** A copy of `image` with every non-background pixel of `labels` blended (weight `alpha`) with its VOC colour. */
export function overlayLabels(image: Raster, labels: ArrayLike<number>, alpha = 0.5): Raster {
  if (labels.length !== image.width * image.height) throw new Error(`label map has ${labels.length} pixels, the image ${image.width}×${image.height}`);
  const out = rgbCopy(image);
  for (let p = 0; p < labels.length; p++) {
    if (!labels[p]) continue;
    const colour = vocColour(labels[p]);
    for (let c = 0; c < 3; c++) out.data[p * 3 + c] = Math.round((1 - alpha) * out.data[p * 3 + c] + alpha * colour[c]);
  }
  return out;
}
