import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../testing/shared-data';
import { decodePermutationBin, encodePermutationBin } from './bin-format';
import { generateMaximinPermutations } from './generate-maximin';
import { hammingStats } from './hamming';
import { readPermutationFile, writePermutationFile } from './permutation-file';
import { permutationAt } from './permutation-set';

function binFile(count: number, tiles: number, values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(8 + values.length * 4));
  view.setInt32(0, count, true);
  view.setInt32(4, tiles, true);
  values.forEach((v, i) => view.setInt32(8 + i * 4, v, true));
  return new Uint8Array(view.buffer);
}

describe('paper .bin format', () => {
  it('decodes 1-indexed rows to 0-indexed orders', () => {
    const set = decodePermutationBin(binFile(2, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 8, 7, 6, 5, 4, 3, 2, 1]));
    expect([...permutationAt(set, 0)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...permutationAt(set, 1)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('round-trips a generated set through bytes and through a file', async () => {
    const set = generateMaximinPermutations({ count: 30, seed: 2 });
    expect(decodePermutationBin(encodePermutationBin(set)).orders).toEqual(set.orders);
    const dir = await mkdtemp(join(tmpdir(), 'ktlab-jigsaw-'));
    try {
      const path = join(dir, 'perms.bin');
      await writePermutationFile(path, set);
      expect((await readPermutationFile(path)).orders).toEqual(set.orders);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('names what is wrong with a malformed file', () => {
    const row = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(() => decodePermutationBin(new Uint8Array(4), 'x.bin')).toThrow(/x.bin: 4 bytes is too short/);
    expect(() => decodePermutationBin(binFile(1, 4, row))).toThrow(/4 tiles per permutation, expected 9/);
    expect(() => decodePermutationBin(binFile(2, 9, row))).toThrow(/says 2 permutations \(80 bytes\) but the file has 44/);
    expect(() => decodePermutationBin(binFile(1, 9, [0, 1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/tile index 0, expected 1..9/);
    expect(() => decodePermutationBin(binFile(2, 9, [...row, ...row]))).toThrow(/permutation 1 repeats/);
    expect(() => decodePermutationBin(binFile(0, 9, []))).toThrow(/expected a positive count/);
  });

  it('reports a missing file by path', async () => {
    await expect(readPermutationFile('/nonexistent/perms.bin')).rejects.toThrow(/cannot read permutation file \/nonexistent\/perms.bin/);
  });
});

const jigsawPlusPlus = sharedFile('reference', 'permutations_701.bin');
const jigsaw100 = sharedFile('reference', 'permutations_100_max.bin');

describe('reference permutation files', () => {
  it.skipIf(jigsawPlusPlus.skip)('loads the paper 701-set: min Hamming 3, mean ≈ 8.00, no identity', async () => {
    const set = await readPermutationFile(jigsawPlusPlus.path);
    expect(set.size).toBe(701);
    const stats = hammingStats(set);
    expect(stats.min).toBe(3);
    expect(stats.mean).toBeCloseTo(8.0, 1);
    const identity = '0,1,2,3,4,5,6,7,8';
    for (let i = 0; i < set.size; i++) expect(permutationAt(set, i).join(',')).not.toBe(identity);
  });

  it.skipIf(jigsaw100.skip)('loads the ECCV 2016 100-set: min Hamming 2, mean ≈ 8.08', async () => {
    const set = await readPermutationFile(jigsaw100.path);
    expect(set.size).toBe(100);
    const stats = hammingStats(set);
    expect(stats.min).toBe(2);
    expect(stats.mean).toBeCloseTo(8.08, 2);
  });

  it.skipIf(jigsawPlusPlus.skip)('re-encodes the reference file byte for byte', async () => {
    const { readFile } = await import('node:fs/promises');
    const bytes = new Uint8Array(await readFile(jigsawPlusPlus.path));
    expect(encodePermutationBin(decodePermutationBin(bytes))).toEqual(bytes);
  });
});
