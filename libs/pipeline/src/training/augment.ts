/**
 * Standard CIFAR-style training augmentation on a batch of uint8 images (NHWC): each image is mirrored left-right
 * with probability ½ when `flip` is on, and shifted by up to `shift` × its side in each direction with the
 * uncovered border filled with zeros (the same as zero-padding by that many pixels and cropping at a random
 * offset). The draws come from (seed, step, position in the batch), so a resumed run replays the same batches.
 */
import type { TrainingAugment } from '@ktlab/config';
import { mixSeed, Sfc32 } from '@ktlab/random';

export interface ImageBlock {
  data: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/** One image's draw: mirror it, then move its content by (dy, dx) pixels. */
export interface ImageTransform {
  flip: boolean;
  dy: number;
  dx: number;
}

export function drawTransforms(augment: TrainingAugment, count: number, side: { height: number; width: number }, seed: number, step: number): ImageTransform[] {
  const random = new Sfc32(mixSeed(seed, step));
  const maxY = Math.floor(augment.shift * side.height);
  const maxX = Math.floor(augment.shift * side.width);
  return Array.from({ length: count }, () => ({
    flip: augment.flip && random.nextInt(2) === 1,
    dy: maxY ? random.nextInt(2 * maxY + 1) - maxY : 0,
    dx: maxX ? random.nextInt(2 * maxX + 1) - maxX : 0,
  }));
}

/** A new block with `transforms[i]` applied to image i (the input is left as it is). */
export function transformImages(block: ImageBlock, transforms: readonly ImageTransform[]): Uint8Array {
  const { height, width, channels } = block;
  if (transforms.length !== block.count) throw new Error(`transformImages: ${transforms.length} transforms for ${block.count} images`);
  const pixels = height * width * channels;
  const out = new Uint8Array(block.count * pixels);
  for (let i = 0; i < block.count; i++) {
    const { flip, dy, dx } = transforms[i]!;
    const source = i * pixels;
    for (let y = 0; y < height; y++) {
      const sy = y - dy;
      if (sy < 0 || sy >= height) continue;
      for (let x = 0; x < width; x++) {
        // output pixel x shows the mirrored image's pixel x - dx
        const mx = x - dx;
        if (mx < 0 || mx >= width) continue;
        const sx = flip ? width - 1 - mx : mx;
        const from = source + (sy * width + sx) * channels;
        const to = i * pixels + (y * width + x) * channels;
        for (let c = 0; c < channels; c++) out[to + c] = block.data[from + c]!;
      }
    }
  }
  return out;
}
