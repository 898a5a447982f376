/**
 * A worker's side of the shard tasks, with the run's files in memory: the 'features' and 'assign' shards' outputs
 * concatenate to what one process computes, re-executing a task puts the same bytes, a worker whose copy of the
 * dataset differs refuses the task, and a kind no executor knows is refused by name. (The k-means tasks are checked
 * through the stages: sharded-stages.test.ts, clustering.stage.test.ts.)
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { assignToModel, encodeArtifact, fitKMeans, parseNpy, WasmDistanceEngine } from '@ktlab/kmeans';
import { buildTrunk } from '@ktlab/models';
import { selectBackend } from '@ktlab/tf-backend';
import { openUncached } from '../datasets';
import { featureRows, imageRange } from './feature-rows';
import { encodeNetwork } from './network-bytes';
import { concatAssignments, decodeAssignment, planAssignShards, planFeatureShards, shardFileName, type FeatureShardInput } from './shard-plan';
import { executeShardTask, ShardWorkerState, type RunFiles } from './shard-tasks';

const runId = 'run-1';
const store = new Map<string, Uint8Array>();
const files: RunFiles = {
  get: async (_run, name) => store.get(name) ?? Promise.reject(new Error(`no file ${name}`)),
  put: async (_run, name, data) => void store.set(name, new Uint8Array(data)),
};
const engine = new WasmDistanceEngine({ threads: 1 });
const state = new ShardWorkerState({ engine, cacheDir: mkdtempSync(join(tmpdir(), 'ktlab-feature-shards-cache-')) });
afterAll(async () => {
  await state.dispose();
  await engine.dispose();
});

/** 7 images of each of two classes. */
let dataPath: string;
beforeAll(async () => {
  await selectBackend({}, pino({ level: 'silent' }));
  dataPath = mkdtempSync(join(tmpdir(), 'ktlab-feature-shards-'));
  for (const [cls, value] of [['dark', 40], ['light', 210]] as const) {
    mkdirSync(join(dataPath, cls));
    for (let i = 0; i < 7; i++) {
      await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: value, g: (value + i * 9) % 256, b: 255 - value } } }).png().toFile(join(dataPath, cls, `${i}.png`));
    }
  }
});

describe('feature and assignment shard tasks', () => {
  it('extract and assign in shards exactly what one process computes, idempotently', async () => {
    const dataset = { path: dataPath, format: 'folder' as const, subset: 'all' as const };
    const data = await openUncached(dataset, { size: 24, seed: 2 });
    const network = buildTrunk('alexnet', { inputSize: 24, channels: 3, widthMultiplier: 0.1, seed: 9, conv1Kernel: 5, conv1Stride: 1 });
    store.set(shardFileName.network, await encodeNetwork(network));
    const source = { kind: 'network' as const, file: shardFileName.network, layer: 'conv3', grid: [2, 2] as [number, number] };
    const plan = planFeatureShards(data.ids, 4, 'clustering', { dataset, seed: 2, imageSize: 24, source });
    expect(plan.inputs).toHaveLength(4);

    const outputs: string[] = [];
    for (const [shard, input] of plan.inputs.entries()) outputs.push(await executeShardTask({ runId, kind: 'features', shard, input }, files, state));
    const whole = await featureRows({ network, layer: 'conv3', grid: [2, 2] }, imageRange(data, 0, data.count));
    network.dispose();
    const shards = outputs.map((name) => parseNpy(store.get(name)!));
    expect(shards.map((npy) => npy.shape)).toEqual(plan.refs.map((ref) => [ref.rows, whole.dims]));
    const joined = new Float32Array(whole.data.length);
    shards.reduce((offset, npy) => (joined.set(npy.data as Float32Array, offset), offset + npy.data.length), 0);
    expect(joined).toEqual(whole.data);

    // a task executed again (its first worker died after putting the file) puts the same bytes
    const first = store.get(outputs[2])!.slice();
    await executeShardTask({ runId, kind: 'features', shard: 2, input: plan.inputs[2] }, files, state);
    expect(store.get(outputs[2])).toEqual(first);

    const { model } = await fitKMeans(whole.data, whole.dims, { k: 3, iterations: 3, seed: 1 });
    store.set(shardFileName.model, encodeArtifact(model));
    const parts = [];
    for (const [shard, input] of planAssignShards(plan.refs, shardFileName.model).entries()) {
      parts.push(decodeAssignment(store.get(await executeShardTask({ runId, kind: 'assign', shard, input }, files, state))!));
    }
    const expected = await assignToModel(model, whole.data, { engine });
    expect(concatAssignments(parts, plan.refs)).toEqual({ labels: expected.labels, distances: expected.distances });
  });

  it('refuses a shard when this worker sees another dataset than the run\'s worker', async () => {
    const dataset = { path: dataPath, format: 'folder' as const, subset: 'all' as const };
    const input: FeatureShardInput = {
      dataset,
      seed: 2,
      imageSize: 24,
      source: { kind: 'hog' },
      start: 0,
      end: 4,
      expect: { count: 15, firstId: 'x', lastId: 'y' },
      output: 'shard-features-clustering-0.npy',
    };
    await expect(executeShardTask({ runId, kind: 'features', shard: 0, input }, files, state)).rejects.toThrow(/has 14 images here but 15 on the run's worker.*same dataset at the same path/);
    await expect(executeShardTask({ runId, kind: 'features', shard: 0, input: { ...input, source: { kind: 'pretext' } } }, files, state)).rejects.toThrow(/source/);
  });

  it('refuses a kind it has no executor for, by name', async () => {
    await expect(executeShardTask({ runId, kind: 'kmeans-reduce', shard: 0, input: {} }, files, state)).rejects.toThrow('this worker cannot execute shard tasks of kind "kmeans-reduce"');
    await expect(executeShardTask({ runId, kind: 'toString', shard: 0, input: {} }, files, state)).rejects.toThrow('of kind "toString"');
  });
});
