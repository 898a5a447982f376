import { z } from 'zod';

/**
 * A stack of same-sized uint8 images, interleaved: `data[((n·height + y)·width + x)·channels + c]`.
 * Channels 1 (gray, turned into 3 equal channels when sampled) or 3 (RGB). `data` may live on a
 * SharedArrayBuffer, so worker threads can sample from the same images without copies.
 */
export interface ImageStack {
  readonly data: Uint8Array;
  readonly count: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

const imageStackShapeSchema = z.object({
  count: z.number().int().positive(),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
});

/** Checks an ImageStack's shape against its data, naming what is wrong. */
export function validateImageStack(images: ImageStack): ImageStack {
  const result = imageStackShapeSchema.safeParse(images);
  if (!result.success) throw new Error(`invalid image stack: ${z.prettifyError(result.error)}`);
  if (!(images.data instanceof Uint8Array)) throw new Error('invalid image stack: data must be a Uint8Array');
  const { count, height, width, channels } = result.data;
  const expected = count * height * width * channels;
  if (images.data.length !== expected) {
    throw new Error(
      `invalid image stack: ${count}×${height}×${width}×${channels} needs ${expected} bytes, data has ${images.data.length}`,
    );
  }
  return images;
}
