import { describe, expect, it } from 'vitest';
import { drawBoxes, overlayLabels, vocColour } from './draw.js';

const grey = (size: number) => ({ width: size, height: size, channels: 1, data: new Uint8Array(size * size).fill(100) });
const pixel = (image: { width: number; data: Uint8Array }, x: number, y: number) => Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));

describe('figures', () => {
  it('uses the VOC palette', () => {
    expect([0, 1, 2, 3, 15].map(vocColour)).toEqual([
      [0, 0, 0],
      [128, 0, 0],
      [0, 128, 0],
      [128, 128, 0],
      [192, 128, 128],
    ]);
  });

  it('outlines each box in its class colour and leaves the rest of the image alone', () => {
    const out = drawBoxes(grey(10), [{ classId: 1, box: { x: 2, y: 3, w: 4, h: 5 } }]);
    const green = [0, 128, 0];
    expect([pixel(out, 2, 3), pixel(out, 5, 3), pixel(out, 2, 7), pixel(out, 5, 7), pixel(out, 3, 7)]).toEqual([green, green, green, green, green]);
    expect([pixel(out, 3, 4), pixel(out, 6, 3), pixel(out, 2, 8), pixel(out, 0, 0)]).toEqual([[100, 100, 100], [100, 100, 100], [100, 100, 100], [100, 100, 100]]); // prettier-ignore
    expect(() => drawBoxes(grey(4), [{ classId: 0, box: { x: 3, y: 3, w: 9, h: 9 } }])).not.toThrow();
  });

  it('blends labelled pixels with their colour and keeps background pixels', () => {
    const labels = new Uint8Array(4);
    labels[1] = 1;
    const out = overlayLabels(grey(2), labels, 0.5);
    expect([pixel(out, 0, 0), pixel(out, 1, 0)]).toEqual([
      [100, 100, 100],
      [114, 50, 50],
    ]);
    expect(() => overlayLabels(grey(2), new Uint8Array(3))).toThrow(/3 pixels, the image 2×2/);
  });
});
