/**
 * A worker's side of the 'features' and 'assign' shard tasks, with the run's files in memory: the shards'
 * outputs concatenate to what one process computes, re-executing a task puts the same bytes, and a worker
 * whose copy of the dataset differs refuses the task.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignToModel, encodeArtifact, fitKMeans, parseNpy, WasmDistanceEngine } from '@ktlab/kmeans';
import { buildTrunk } from '@ktlab/models';
import {
  concatAssignments,
  decodeAssignment,
  encodeNetwork,
  featureRows,
  imageRange,
  openDatasetUncached,
  planAssignShards,
  planFeatureShards,
  shardFileName,
  type FeatureShardInput,
} from '@ktlab/pipeline';
import { selectBackend } from '@ktlab/tf-backend';
import { writeTinyImageFolder } from '../test-support';
import { executeAssignShard, executeFeatureShard, FeatureShardState } from './feature-shard-tasks';
import { FeatureShardCache, type RunFiles } from './kmeans-shard-tasks';

const runId = 'run-1';
const store = new Map<string, Uint8Array>();
const files: RunFiles = {
  get: async (_run, name) => store.get(name) ?? Promise.reject(new Error(`no file ${name}`)),
  put: async (_run, name, data) => void store.set(name, new Uint8Array(data)),
};
const engine = new WasmDistanceEngine({ threads: 1 });
const state = new FeatureShardState(mkdtempSync(join(tmpdir(), 'ktlab-feature-shards-cache-')));
afterAll(async () => {
  state.dispose();
  await engine.dispose();
});

let dataPath: string;
beforeAll(async () => {
  await selectBackend({}, pino({ level: 'silent' }));
  dataPath = await writeTinyImageFolder(mkdtempSync(join(tmpdir(), 'ktlab-feature-shards-')), 7);
});

describe('feature and assignment shard tasks', () => {
  it('extract and assign in shards exactly what one process computes, idempotently', async () => {
    const dataset = { path: dataPath, format: 'folder' as const, subset: 'all' as const };
    const data = await openDatasetUncached(dataset, { size: 24, seed: 2 });
    const network = buildTrunk('alexnet', { inputSize: 24, channels: 3, widthMultiplier: 0.1, seed: 9, conv1Kernel: 5, conv1Stride: 1 });
    store.set(shardFileName.network, await encodeNetwork(network));
    const source = { kind: 'network' as const, file: shardFileName.network, layer: 'conv3', grid: [2, 2] as [number, number] };
    const plan = planFeatureShards(data.ids, 4, 'clustering', { dataset, seed: 2, imageSize: 24, source });
    expect(plan.inputs).toHaveLength(4);

    const outputs: string[] = [];
    for (const [shard, input] of plan.inputs.entries()) outputs.push(await executeFeatureShard({ runId, shard, input }, files, state));
    const whole = await featureRows({ network, layer: 'conv3', grid: [2, 2] }, imageRange(data, 0, data.count));
    network.dispose();
    const shards = outputs.map((name) => parseNpy(store.get(name)!));
    expect(shards.map((npy) => npy.shape)).toEqual(plan.refs.map((ref) => [ref.rows, whole.dims]));
    const joined = new Float32Array(whole.data.length);
    shards.reduce((offset, npy) => (joined.set(npy.data as Float32Array, offset), offset + npy.data.length), 0);
    expect(joined).toEqual(whole.data);

    // a task executed again (its first worker died after putting the file) puts the same bytes
    const first = store.get(outputs[2])!.slice();
    await executeFeatureShard({ runId, shard: 2, input: plan.inputs[2] }, files, state);
    expect(store.get(outputs[2])).toEqual(first);

    const { model } = await fitKMeans(whole.data, whole.dims, { k: 3, iterations: 3, seed: 1 });
    store.set(shardFileName.model, encodeArtifact(model));
    const cache = new FeatureShardCache();
    const parts = [];
    for (const [shard, input] of planAssignShards(plan.refs, shardFileName.model).entries()) {
      parts.push(decodeAssignment(store.get(await executeAssignShard({ runId, shard, input }, files, engine, cache))!));
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
    await expect(executeFeatureShard({ runId, shard: 0, input }, files, state)).rejects.toThrow(/has 14 images here but 15 on the run's worker.*same dataset at the same path/);
    await expect(executeFeatureShard({ runId, shard: 0, input: { ...input, source: { kind: 'pretext' } } }, files, state)).rejects.toThrow();
  });
});
