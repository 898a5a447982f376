import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../dataset/load-dataset.js';
import { parseIdx, readIdx } from './idx.js';
import { readIdxImages } from './idx-images.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-idx-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Writes an IDX file: magic (0, 0, type, rank), big-endian dims, then big-endian elements. */
function idxBytes(type: number, shape: number[], elementBytes: number, write: (view: DataView, offset: number, i: number) => void): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = Buffer.alloc(4 + 4 * shape.length + count * elementBytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes[2] = type;
  bytes[3] = shape.length;
  shape.forEach((dim, d) => view.setUint32(4 + 4 * d, dim, false));
  for (let i = 0; i < count; i++) write(view, 4 + 4 * shape.length + i * elementBytes, i);
  return bytes;
}

const images = (n: number, h: number, w: number) => idxBytes(0x08, [n, h, w], 1, (v, o, i) => v.setUint8(o, (i * 7) % 256));
const labels = (values: number[]) => idxBytes(0x08, [values.length], 1, (v, o, i) => v.setUint8(o, values[i]));

describe('IDX', () => {
  it('parses shape and big-endian elements of every type', () => {
    expect(parseIdx(images(2, 3, 4))).toMatchObject({ dtype: 'uint8', shape: [2, 3, 4] });
    const ints = parseIdx(idxBytes(0x0c, [3], 4, (v, o, i) => v.setInt32(o, [-5, 70000, 1][i], false)));
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.data)).toEqual([-5, 70000, 1]);
    const shorts = parseIdx(idxBytes(0x0b, [2], 2, (v, o, i) => v.setInt16(o, [-300, 300][i], false)));
    expect(Array.from(shorts.data)).toEqual([-300, 300]);
    const floats = parseIdx(idxBytes(0x0d, [2], 4, (v, o, i) => v.setFloat32(o, [0.5, -2.25][i], false)));
    expect(Array.from(floats.data)).toEqual([0.5, -2.25]);
    const doubles = parseIdx(idxBytes(0x0e, [1, 1], 8, (v, o) => v.setFloat64(o, Math.PI, false)));
    expect(Array.from(doubles.data)).toEqual([Math.PI]);
    const bytes = parseIdx(idxBytes(0x09, [2], 1, (v, o, i) => v.setInt8(o, [-1, 1][i])));
    expect(Array.from(bytes.data)).toEqual([-1, 1]);
  });

  it('rejects bad magic, unknown types and wrong lengths with the file named', () => {
    expect(() => parseIdx(Buffer.from([1, 0, 8, 1, 0, 0, 0, 0]), 'x.idx')).toThrow(/x\.idx is not an IDX file/);
    expect(() => parseIdx(Buffer.from([0, 0, 0x42, 1, 0, 0, 0, 0]))).toThrow(/unknown IDX element type 0x42/);
    expect(() => parseIdx(images(2, 3, 4).subarray(0, 20))).toThrow(/needs 40/);
  });

  it('reads plain and gzipped files alike', () => {
    writeFileSync(join(base, 'plain-idx3-ubyte'), images(2, 3, 4));
    writeFileSync(join(base, 'packed-idx3-ubyte.gz'), gzipSync(images(2, 3, 4)));
    expect(readIdx(join(base, 'packed-idx3-ubyte.gz')).data).toEqual(readIdx(join(base, 'plain-idx3-ubyte')).data);
  });

  it('pairs MNIST images with the labels file beside them', () => {
    writeFileSync(join(base, 'train-images-idx3-ubyte.gz'), gzipSync(images(3, 28, 28)));
    writeFileSync(join(base, 'train-labels-idx1-ubyte.gz'), gzipSync(labels([5, 0, 4])));
    const mnist = readIdxImages(join(base, 'train-images-idx3-ubyte.gz'));
    expect(mnist).toMatchObject({ count: 3, height: 28, width: 28, channels: 1 });
    expect(Array.from(mnist.labels!)).toEqual([5, 0, 4]);
    expect(mnist.classes).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(mnist.images[1]).toBe(7);
  });

  it('refuses labels that do not match the images', () => {
    writeFileSync(join(base, 'bad-labels'), labels([1, 2]));
    expect(() => readIdxImages(join(base, 'train-images-idx3-ubyte.gz'), join(base, 'bad-labels'))).toThrow(/shape \[3\]/);
  });

  it('loads through loadDataset, natively or as RGB at another size', async () => {
    const path = join(base, 'train-images-idx3-ubyte.gz');
    const native = await loadDataset({ kind: 'idx', path }, { cacheDir: false });
    expect(native).toMatchObject({ count: 3, size: 28, channels: 1 });
    const rgb = await loadDataset({ kind: 'idx', path, size: 32, channels: 3 }, { cacheDir: false });
    expect(rgb).toMatchObject({ count: 3, size: 32, channels: 3 });
    expect(Array.from(rgb.labels!)).toEqual([5, 0, 4]);
  });
});
