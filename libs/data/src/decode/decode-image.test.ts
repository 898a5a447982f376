import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { pixelAt, rawRgb, solid, writeImage } from '../testing/image-fixtures.js';
import { decodeImage } from './decode-image.js';
import type { WorkingFormat } from './working-format.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-decode-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const rgb = (size: number, resize: WorkingFormat['resize'] = 'center-crop'): WorkingFormat => ({ size, channels: 3, resize });

/** 17 wide, 45 tall: 14 red rows, 17 green rows, 14 blue rows. */
const bands = () =>
  sharp(rawRgb(17, 45, (_, y) => (y < 14 ? [255, 0, 0] : y < 31 ? [0, 255, 0] : [0, 0, 255])), {
    raw: { width: 17, height: 45, channels: 3 },
  }).png();

describe('decodeImage', () => {
  it('passes an image already at the working size through untouched', async () => {
    const path = join(base, 'noise.jpg');
    const noise = rawRgb(32, 32, (x, y) => [(x * 37 + y * 11) % 256, (x * y) % 256, (x + 3 * y) % 256]);
    await writeImage(path, sharp(noise, { raw: { width: 32, height: 32, channels: 3 } }).jpeg({ quality: 80 }));
    const direct = await sharp(path).raw().toBuffer();
    expect(Buffer.from(await decodeImage(path, rgb(32))).equals(direct)).toBe(true);
  });

  it('centre-crops a tall image to its middle square', async () => {
    const out = await decodeImage(await bands().toBuffer(), rgb(17));
    for (const y of [0, 8, 16]) for (const x of [0, 16]) expect(pixelAt(out, 17, 3, x, y)).toEqual([0, 255, 0]);
  });

  it('stretches when asked, keeping the top and bottom bands', async () => {
    const out = await decodeImage(await bands().toBuffer(), rgb(17, 'stretch'));
    expect(pixelAt(out, 17, 3, 8, 0)).toEqual([255, 0, 0]);
    expect(pixelAt(out, 17, 3, 8, 8)).toEqual([0, 255, 0]);
    expect(pixelAt(out, 17, 3, 8, 16)).toEqual([0, 0, 255]);
  });

  it('replicates grey to RGB and converts colour to one luminance channel', async () => {
    const grey = await decodeImage(await solid(9, 9, [77, 77, 77]).toColourspace('b-w').png().toBuffer(), rgb(9));
    expect(grey.length).toBe(9 * 9 * 3);
    expect(new Set(grey)).toEqual(new Set([77]));
    const luminance = await decodeImage(await solid(9, 9, [200, 200, 200]).png().toBuffer(), { size: 9, channels: 1, resize: 'center-crop' });
    expect(luminance.length).toBe(81);
    expect(new Set(luminance)).toEqual(new Set([200]));
  });

  it('flattens alpha onto black', async () => {
    const rgba = Buffer.from(Array.from({ length: 8 * 8 }, (_, p) => [250, 120, 10, p % 8 < 4 ? 0 : 255]).flat());
    const out = await decodeImage(await sharp(rgba, { raw: { width: 8, height: 8, channels: 4 } }).png().toBuffer(), rgb(8));
    expect(pixelAt(out, 8, 3, 1, 3)).toEqual([0, 0, 0]);
    expect(pixelAt(out, 8, 3, 6, 3)).toEqual([250, 120, 10]);
  });

  it('reduces 16-bit PNG to 8 bits', async () => {
    const deep = await solid(8, 8, [100, 150, 200]).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const out = await decodeImage(deep, rgb(8));
    expect(pixelAt(out, 8, 3, 4, 4)).toEqual([100, 150, 200]);
  });

  it('applies EXIF orientation before cropping', async () => {
    // Stored 20 wide × 10 tall, left half red; orientation 6 means "rotate 90° clockwise to display".
    const stored = rawRgb(20, 10, (x) => (x < 10 ? [255, 0, 0] : [0, 0, 255]));
    const jpeg = await sharp(stored, { raw: { width: 20, height: 10, channels: 3 } }).withMetadata({ orientation: 6 }).png().toBuffer();
    const out = await decodeImage(jpeg, rgb(10));
    // Displayed 10 wide × 20 tall with red on top; the centre crop straddles the boundary at row 5.
    expect(pixelAt(out, 10, 3, 5, 0)[0]).toBeGreaterThan(200);
    expect(pixelAt(out, 10, 3, 5, 9)[2]).toBeGreaterThan(200);
  });

  it('decodes raw pixels (binary formats) and resizes them', async () => {
    const data = new Uint8Array(4 * 4).fill(90);
    const out = await decodeImage({ data, width: 4, height: 4, channels: 1 }, rgb(8));
    expect(out.length).toBe(8 * 8 * 3);
    expect(new Set(out)).toEqual(new Set([90]));
  });

  it('rejects truncated, empty and non-image data', async () => {
    const jpeg = await solid(64, 64, [10, 200, 30]).jpeg().toBuffer();
    await expect(decodeImage(jpeg.subarray(0, jpeg.length >> 1), rgb(16))).rejects.toThrow(/premature end|corrupt/i);
    await expect(decodeImage(Buffer.from('not an image'), rgb(16))).rejects.toThrow(/unsupported image format/);
    await expect(decodeImage(new Uint8Array(0), rgb(16))).rejects.toThrow();
  });
});
