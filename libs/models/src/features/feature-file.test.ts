import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureFileReader, FeatureFileWriter, featureMetaPath, readFeatureFile } from './feature-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ktlab-models-ff-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function numpyAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('feature files (.npy + JSON sidecar)', () => {
  it('round-trips rows appended in batches, with metadata, and reads any row range', async () => {
    const path = join(dir, 'a.npy');
    const writer = await FeatureFileWriter.create(path, 3, { layer: 'conv4_relu', note: 'é' });
    await writer.append(new Float32Array([1, 2, 3, 4, 5, 6]));
    await writer.append(new Float32Array([7, 8, -9.5]));
    expect(await writer.close()).toBe(3);

    const all = await readFeatureFile(path);
    expect(all).toMatchObject({ rows: 3, dims: 3, dataOffset: 128, meta: { layer: 'conv4_relu', note: 'é', rows: 3, dims: 3 } });
    expect(Array.from(all.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, -9.5]);

    const reader = await FeatureFileReader.open(path);
    expect(Array.from(await reader.readRows(1, 2))).toEqual([4, 5, 6, 7, 8, -9.5]);
    await expect(reader.readRows(2, 2)).rejects.toThrow(/cannot read rows 2…3 of 3/);
    await reader.close();
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it.runIf(numpyAvailable())("is a .npy file NumPy reads as (rows, dims) float32, and reads NumPy's", async () => {
    const path = join(dir, 'numpy.npy');
    const writer = await FeatureFileWriter.create(path, 2);
    await writer.append(new Float32Array([0.5, 1, 1.5, 2, 2.5, 3]));
    await writer.close();
    const script = 'import numpy, sys; a = numpy.load(sys.argv[1]); print(a.dtype, a.shape, a.sum())';
    expect(execFileSync('/usr/bin/python3', ['-c', script, path], { encoding: 'utf8' }).trim()).toBe('float32 (3, 2) 10.5');

    const saved = join(dir, 'saved-by-numpy.npy');
    execFileSync('/usr/bin/python3', ['-c', 'import numpy, sys; numpy.save(sys.argv[1], numpy.arange(12, dtype="<f4").reshape(4, 3))', saved]);
    const file = await readFeatureFile(saved);
    expect(file).toMatchObject({ rows: 4, dims: 3, meta: {} });
    expect(Array.from(file.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('reads a .npy file without a sidecar, e.g. one written by NumPy', async () => {
    const path = join(dir, 'foreign.npy');
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }";
    // NumPy pads to a multiple of 64 bytes: 10 prefix bytes + the dict + spaces + newline = 128 here.
    const header = Buffer.alloc(128, 0x20);
    header.write('\x93NUMPY', 0, 'latin1');
    header[6] = 1;
    header.writeUInt16LE(118, 8);
    header.write(dict, 10, 'latin1');
    header[127] = 0x0a;
    await writeFile(path, Buffer.concat([header, Buffer.from(new Float32Array([4, 5]).buffer)]));
    expect(existsSync(featureMetaPath(path))).toBe(false);
    const file = await readFeatureFile(path);
    expect(file).toMatchObject({ rows: 2, dims: 1, meta: {}, dataOffset: 128 });
    expect(Array.from(file.data)).toEqual([4, 5]);
  });

  it('rejects rows of the wrong width, truncated files and foreign files', async () => {
    const path = join(dir, 'b.npy');
    const writer = await FeatureFileWriter.create(path, 4);
    await expect(writer.append(new Float32Array(6))).rejects.toThrow(/not a multiple of dims 4/);
    await writer.append(new Float32Array(8));
    await writer.close();
    await truncate(path, 128 + 20);
    await expect(readFeatureFile(path)).rejects.toThrow(/truncated or unfinished/);
    await writeFile(join(dir, 'c.npy'), 'hello world, definitely not features');
    await expect(readFeatureFile(join(dir, 'c.npy'))).rejects.toThrow(/not a 2-D float32 \.npy feature file: bad magic/);
  });
});
