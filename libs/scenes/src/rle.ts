/**
 * COCO's uncompressed run-length encoding of a binary mask: `size` = [height, width], `counts` = alternating run
 * lengths of 0s and 1s in column-major (Fortran) order, starting with 0s (a leading 0 when the first pixel is set).
 * pycocotools reads it with `frPyObjects`.
 */
export interface CocoRle {
  size: [number, number];
  counts: number[];
}

/** Encodes the pixels of a row-major `labels` map equal to `value`. */
export function encodeRle(labels: ArrayLike<number>, width: number, height: number, value: number): CocoRle {
  if (labels.length !== width * height) throw new Error(`mask has ${labels.length} pixels, expected ${width}×${height}`);
  const counts: number[] = [];
  let current = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const bit = labels[y * width + x] === value ? 1 : 0;
      if (bit !== current) {
        counts.push(run);
        current = bit;
        run = 0;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** Decodes to a row-major 0/1 mask; throws when the runs do not add up to height·width. */
export function decodeRle(rle: CocoRle): Uint8Array {
  const [height, width] = rle.size;
  const total = rle.counts.reduce((a, b) => a + b, 0);
  if (total !== width * height) throw new Error(`RLE runs cover ${total} pixels, the mask has ${height}×${width} = ${width * height}`);
  const mask = new Uint8Array(width * height);
  let position = 0;
  rle.counts.forEach((run, i) => {
    if (i % 2 === 1) {
      for (let k = position; k < position + run; k++) mask[(k % height) * width + Math.floor(k / height)] = 1;
    }
    position += run;
  });
  return mask;
}
