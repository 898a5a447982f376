import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy, encodeNpyHeader, parseNpy, readNpy, writeNpy } from './npy.js';
import { exportClusteringNpy } from './npy-export.js';
import type { KMeansModel } from './model.js';

const PYTHON = '/usr/bin/python3';
function numpyAvailable(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const hasNumpy = numpyAvailable();
if (!hasNumpy) console.warn(`skipping numpy interop checks: ${PYTHON} cannot import numpy (apt-get install -y python3-numpy)`);

describe('npy', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ktlab-npy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('pads the header so the data starts on a 64-byte boundary', () => {
    for (const shape of [[3], [1000, 256], [1, 2, 3, 4, 5]]) {
      const header = encodeNpyHeader('float32', shape);
      expect(header.length % 64).toBe(0);
      expect(header[header.length - 1]).toBe(0x0a);
    }
  });

  it('round-trips float32 matrices written from row blocks and int32 vectors', async () => {
    const blocks = [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5.5, -6, 7e-8, 8])];
    await writeNpy(join(dir, 'f.npy'), blocks, [4, 2]);
    const read = await readNpy(join(dir, 'f.npy'));
    expect(read.dtype).toBe('float32');
    expect(read.shape).toEqual([4, 2]);
    expect(Array.from(read.data)).toEqual([1, 2, 3, 4, 5.5, -6, Math.fround(7e-8), 8]);
    await writeNpy(join(dir, 'i.npy'), Int32Array.from([7, -1, 2147483647]), [3]);
    const labels = await readNpy(join(dir, 'i.npy'));
    expect(labels.dtype).toBe('int32');
    expect(labels.shape).toEqual([3]);
    expect(Array.from(labels.data)).toEqual([7, -1, 2147483647]);
  });

  it('encodes to the same bytes it writes, from a view into a larger buffer', async () => {
    const backing = Float32Array.from([9, 1, 2, 3, 4, 9]);
    const view = backing.subarray(1, 5);
    await writeNpy(join(dir, 'v.npy'), view, [2, 2]);
    expect(encodeNpy(view, [2, 2])).toEqual(new Uint8Array(readFileSync(join(dir, 'v.npy'))));
    expect(Array.from(parseNpy(encodeNpy(view, [2, 2])).data)).toEqual([1, 2, 3, 4]);
    expect(() => encodeNpy(view, [3, 2])).toThrow(/needs 6/);
  });

  it('parses from a Node Buffer that is a view into a larger pool', () => {
    const encoded = encodeNpy(Float32Array.from([1.5, -2, 3, 4]), [2, 2]);
    const pool = Buffer.alloc(encoded.length + 13, 0xff);
    pool.set(encoded, 13);
    expect(Array.from(parseNpy(pool.subarray(13)).data)).toEqual([1.5, -2, 3, 4]);
  });

  it('refuses shapes that do not match the data and unsupported dtypes', async () => {
    await expect(writeNpy(join(dir, 'bad.npy'), new Float32Array(5), [2, 3])).rejects.toThrow(/needs 6/);
    const header = encodeNpyHeader('float32', [2]);
    const float64File = new Uint8Array(header.length + 16);
    float64File.set(header);
    const descr = new TextDecoder('latin1').decode(header).indexOf("'<f4'");
    float64File[descr + 3] = '8'.charCodeAt(0);
    expect(() => parseNpy(float64File)).toThrow(/dtype <f8 is not supported/);
    expect(() => parseNpy(header.subarray(0, 6))).toThrow(/not a readable .npy/);
    expect(() => parseNpy(header)).toThrow(/too short/);
  });

  it.runIf(hasNumpy)('is read by numpy, and reads what numpy writes', async () => {
    const data = Float32Array.from({ length: 6 * 5 }, (_, i) => i * 0.25 - 3);
    await writeNpy(join(dir, 'features.npy'), data, [6, 5]);
    await writeNpy(join(dir, 'labels.npy'), Int32Array.from([0, 4, 2]), [3]);
    const script = [
      'import numpy as np, sys',
      `f = np.load(${JSON.stringify(join(dir, 'features.npy'))})`,
      `l = np.load(${JSON.stringify(join(dir, 'labels.npy'))})`,
      'assert f.dtype == np.float32 and f.shape == (6, 5), (f.dtype, f.shape)',
      'assert l.dtype == np.int32 and l.shape == (3,)',
      'print(repr(float(f.sum())), repr(float(f[5, 4])), list(map(int, l)))',
      `np.save(${JSON.stringify(join(dir, 'from-numpy.npy'))}, np.arange(12, dtype=np.float32).reshape(3, 4) / 8)`,
    ].join('\n');
    const output = execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }).trim();
    const [sum, last, ...labels] = output.replace(/[[\],]/g, ' ').trim().split(/\s+/).map(Number);
    expect(sum).toBeCloseTo(data.reduce((a, b) => a + b, 0), 4);
    expect(last).toBe(data[29]);
    expect(labels).toEqual([0, 4, 2]);
    const fromNumpy = await readNpy(join(dir, 'from-numpy.npy'));
    expect(fromNumpy.shape).toEqual([3, 4]);
    expect(Array.from(fromNumpy.data)).toEqual(Array.from({ length: 12 }, (_, i) => i / 8));
  });

  it('exports centroids, labels and block-wise features of a clustering', async () => {
    const model: KMeansModel = {
      k: 2,
      dims: 3,
      centroids: Float32Array.from([1, 2, 3, 4, 5, 6]),
      preprocessing: { inputDims: 3, outputDims: 3, l2Normalize: false },
    };
    const features = [Float32Array.from([1, 1, 1]), Float32Array.from([2, 2, 2, 3, 3, 3])];
    const paths = await exportClusteringNpy(join(dir, 'export'), { model, labels: Int32Array.from([0, 1, 1]), features });
    expect(paths.map((p) => p.split('/').at(-1))).toEqual(['centroids.npy', 'labels.npy', 'features.npy']);
    expect((await readNpy(paths[0])).shape).toEqual([2, 3]);
    const read = await readNpy(paths[2]);
    expect(read.shape).toEqual([3, 3]);
    expect(Array.from(read.data)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });
});
