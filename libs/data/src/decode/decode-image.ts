import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { WorkingFormat } from './working-format.js';

/** Already-decoded interleaved uint8 pixels (e.g. one CIFAR or MNIST record). */
export interface RawPixels {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** A file path, an encoded file's bytes, or raw pixels. */
export type ImageInput = string | Uint8Array | RawPixels;

/** Replicates grey to RGB, or drops extra (alpha) channels. Converting colour to grey is sharp's job, not this. */
function keepChannels(data: Uint8Array, from: number, to: 1 | 3): Uint8Array {
  if (from === to) return data;
  const pixels = data.length / from;
  const out = new Uint8Array(pixels * to);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < to; c++) out[p * to + c] = data[p * from + (from === 1 ? 0 : c)];
  }
  return out;
}

/**
 * Decodes one image to the working format: EXIF orientation applied, alpha flattened onto black, 16-bit
 * reduced to 8-bit, grey replicated to RGB (or colour converted to luminance when channels = 1), then resized
 * per `format.resize` unless it is already S×S. Throws (sharp's message) on a corrupt, truncated or
 * unsupported file — libvips warnings count as failures, so a truncated JPEG is rejected, not half-grey.
 */
export async function decodeImage(input: ImageInput, format: WorkingFormat): Promise<Uint8Array> {
  const { size, channels } = format;
  // Reading the file here (rather than handing sharp the path) saves sharp a second open; measurably faster.
  const source = typeof input === 'string' ? await readFile(input) : input;
  let image =
    source instanceof Uint8Array
      ? sharp(source, { failOn: 'warning', pages: 1 })
      : sharp(source.data, { raw: { width: source.width, height: source.height, channels: source.channels } });
  // sharp skips the resample when the oriented image is already S×S, so such pixels pass through untouched
  // (tested); asking for metadata first to decide would cost a second header parse per image.
  image = image
    .autoOrient()
    .resize(size, size, { fit: format.resize === 'stretch' ? 'fill' : 'cover', position: 'centre', kernel: 'lanczos3' })
    .flatten({ background: { r: 0, g: 0, b: 0 } });
  image = channels === 1 ? image.grayscale() : image.toColourspace('srgb');
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size) {
    throw new Error(`decoded to ${info.width}x${info.height}, expected ${size}x${size}`);
  }
  return keepChannels(new Uint8Array(data.buffer, data.byteOffset, data.length), info.channels, channels);
}
