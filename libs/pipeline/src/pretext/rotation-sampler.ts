/**
 * Rotation prediction (Gidaris, Singh & Komodakis, ICLR 2018): every image is shown in all four rotations
 * (0°, 90°, 180°, 270° clockwise) in the same batch, and the net predicts which one it sees. Pure: square
 * row-major HWC uint8 images in, rotated copies and their labels out.
 */

/** The classes of the rotation head: label r means a clockwise turn of r × 90°. */
export const ROTATION_DEGREES = [0, 90, 180, 270] as const;
export const ROTATIONS = ROTATION_DEGREES.length;

export interface SquareImages {
  /** `count` images of `height` × `width` × `channels` bytes, row-major. */
  data: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** Turns a square HWC image clockwise by `quarterTurns` × 90° (any integer; 4 turns are the identity). */
export function rotateSquare(image: Uint8Array, size: number, channels: number, quarterTurns: number, out = new Uint8Array(size * size * channels)): Uint8Array {
  if (image.length !== size * size * channels) throw new Error(`rotateSquare: expected ${size}×${size}×${channels} bytes, got ${image.length}`);
  const turns = ((quarterTurns % ROTATIONS) + ROTATIONS) % ROTATIONS;
  const last = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Clockwise by 90°, the top row becomes the right column: (y, x) → (x, last − y).
      const [ty, tx] = turns === 0 ? [y, x] : turns === 1 ? [x, last - y] : turns === 2 ? [last - y, last - x] : [last - x, y];
      const from = (y * size + x) * channels;
      const to = (ty * size + tx) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = image[from + c];
    }
  }
  return out;
}

export interface RotationBatch {
  /** Examples: 4 per image, the image's rotations in label order. */
  size: number;
  imageSize: number;
  channels: number;
  /** `size` rotated images, row-major HWC. */
  images: Uint8Array;
  /** Per example, the rotation applied: r = r × 90° clockwise. */
  labels: Int32Array;
}

/** All four rotations of the images at `indices`: examples 4i … 4i+3 are image `indices[i]` turned 0, 90, 180, 270°. */
export function rotationBatch(images: SquareImages, indices: Int32Array): RotationBatch {
  const { height: size, width, channels } = images;
  if (size !== width) throw new Error(`rotation needs square images, got ${width}×${size}`);
  const bytes = size * size * channels;
  const out = new Uint8Array(indices.length * ROTATIONS * bytes);
  const labels = new Int32Array(indices.length * ROTATIONS);
  indices.forEach((index, i) => {
    if (index < 0 || index >= images.count) throw new Error(`rotationBatch: image ${index} is out of range (0…${images.count - 1})`);
    const image = images.data.subarray(index * bytes, (index + 1) * bytes);
    for (let r = 0; r < ROTATIONS; r++) {
      const example = i * ROTATIONS + r;
      rotateSquare(image, size, channels, r, out.subarray(example * bytes, (example + 1) * bytes));
      labels[example] = r;
    }
  });
  return { size: labels.length, imageSize: size, channels, images: out, labels };
}
