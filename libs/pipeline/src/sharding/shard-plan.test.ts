import { describe, expect, it } from 'vitest';
import { concatAssignments, datasetMismatch, decodeAssignment, encodeAssignment, featureShardInput, planAssignShards, planFeatureShards, shardFileName } from './shard-plan';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `img-${i}.png`);
const task = { dataset: { path: '/data', format: 'folder' as const, subset: 'all' as const }, seed: 3, imageSize: 24, source: { kind: 'hog' as const } };

describe('feature shard plan', () => {
  it('covers every row once, in shard order, in balanced shards of at most rowsPerShard rows (the k-means plan)', () => {
    const { refs, inputs } = planFeatureShards(ids(23), 6, 'labeling', task);
    expect(refs.map((r) => [r.firstRow, r.rows])).toEqual([[0, 5], [5, 6], [11, 6], [17, 6]]);
    expect(inputs.map((i) => [i.start, i.end])).toEqual([[0, 5], [5, 11], [11, 17], [17, 23]]);
    expect(inputs.map((i) => i.output)).toEqual(refs.map((r) => r.file));
    expect(refs[1].file).toBe(shardFileName.features('labeling', 1));
    for (const input of inputs) expect(featureShardInput.parse(JSON.parse(JSON.stringify(input)))).toEqual(input);
  });

  it('lets a worker refuse a shard when its copy of the dataset differs', () => {
    const { inputs } = planFeatureShards(ids(10), 4, 'clustering', task);
    expect(inputs[1].expect).toEqual({ count: 10, firstId: 'img-3.png', lastId: 'img-5.png' });
    expect(datasetMismatch(inputs[1], ids(10))).toBeUndefined();
    expect(datasetMismatch(inputs[1], ids(11))).toMatch(/has 11 images here but 10 on the run's worker/);
    const renamed = ids(10).map((id, i) => (i === 5 ? 'other.png' : id));
    expect(datasetMismatch(inputs[1], renamed)).toMatch(/rows 3…5 are img-3\.png…other\.png, not img-3\.png…img-5\.png/);
  });

  it('plans one shard when shardRows exceeds the rows, and refuses nonsense', () => {
    expect(planFeatureShards(ids(5), 100, 'clustering', task).refs).toEqual([{ file: 'shard-features-clustering-0.npy', firstRow: 0, rows: 5 }]);
    expect(() => planFeatureShards([], 4, 'clustering', task)).toThrow(/at least one image/);
    expect(() => planFeatureShards(ids(10), 0, 'clustering', task)).toThrow(/positive integer/);
    expect(() => featureShardInput.parse({ ...task, start: 5, end: 5, expect: { count: 9, firstId: 'a', lastId: 'a' }, output: 'x' })).toThrow(/end > start/);
  });

  it('plans one assignment task per feature shard', () => {
    const { refs } = planFeatureShards(ids(10), 4, 'clustering', task);
    expect(planAssignShards(refs, 'model.ktkm')).toEqual([
      { features: refs[0].file, rows: 3, model: 'model.ktkm', output: 'shard-assign-0.bin' },
      { features: refs[1].file, rows: 3, model: 'model.ktkm', output: 'shard-assign-1.bin' },
      { features: refs[2].file, rows: 4, model: 'model.ktkm', output: 'shard-assign-2.bin' },
    ]);
  });
});

describe('assignment shards', () => {
  it('round-trip through their file format', () => {
    const part = { labels: Int32Array.from([3, 0, 7]), distances: Float32Array.from([0.5, 1e-7, 12.25]) };
    expect(decodeAssignment(encodeAssignment(part))).toEqual(part);
    expect(() => decodeAssignment(new Uint8Array(16))).toThrow(/bad magic/);
    expect(() => decodeAssignment(encodeAssignment(part).subarray(0, 20), 'a.bin')).toThrow(/a\.bin: 20 bytes for 3 rows/);
  });

  it('concatenate in shard order and must match the rows each shard was given', () => {
    const { refs } = planFeatureShards(ids(5), 2, 'clustering', task);
    expect(refs.map((r) => r.rows)).toEqual([1, 2, 2]);
    const parts = [
      { labels: Int32Array.from([1]), distances: Float32Array.from([0.1]) },
      { labels: Int32Array.from([2, 3]), distances: Float32Array.from([0.2, 0.3]) },
      { labels: Int32Array.from([4, 5]), distances: Float32Array.from([0.4, 0.5]) },
    ];
    expect(concatAssignments(parts, refs)).toEqual({ labels: Int32Array.from([1, 2, 3, 4, 5]), distances: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5]) });
    expect(() => concatAssignments(parts.slice(0, 2), refs)).toThrow(/expected 3 assignment shards, got 2/);
    expect(() => concatAssignments([parts[1], parts[0], parts[2]], refs)).toThrow(/shard 0 has 2 labels and 2 distances for 1 rows/);
  });
});
