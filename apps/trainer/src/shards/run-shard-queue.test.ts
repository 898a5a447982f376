/**
 * The portal transport of shard steps (real API over HTTP, real Postgres): k-means steps handed out through
 * `createRunShardQueue`, executed by helper workers (one of which fails once) and by the run's own worker, come
 * back in shard order with the same bits as the same steps executed in this process, each task executed once
 * (the failed one twice).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { executeShardTask, publishFeatureShards, ShardWorkerState, type RunFiles, type ShardQueue } from '@ktlab/pipeline';
import { createPortalClient } from '../api-client';
import { useTestPortal } from '../test-support';
import { createRunShardQueue } from './run-shard-queue';
import { ShardExecutor } from './shard-executor';

const dims = 6;
const rows = 2_400;
const k = 5;

/** Seeded rows (a 32-bit LCG): k-means steps need no particular data to be compared. */
function seededRows(seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: rows * dims }, () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

/** The run's files in memory (the portal's artifact store in production). */
function memoryFiles(): RunFiles {
  const store = new Map<string, Uint8Array>();
  return {
    async get(runId, name) {
      const data = store.get(`${runId}/${name}`);
      if (!data) throw new Error(`no file ${name}`);
      return data;
    },
    async put(runId, name, data) {
      store.set(`${runId}/${name}`, data.slice());
    },
  };
}

/** The same steps executed in this process, in shard order. */
function inProcessQueue(state: ShardWorkerState): ShardQueue {
  const files = memoryFiles();
  const runId = 'in-process';
  return {
    putFile: (name, data) => files.put(runId, name, data),
    getFile: (name) => files.get(runId, name),
    async runStep(kind, _step, inputs) {
      const outputs: string[] = [];
      for (const [shard, input] of inputs.entries()) outputs.push(await executeShardTask({ runId, kind, shard, input: JSON.parse(JSON.stringify(input)) }, files, state));
      return outputs;
    },
  };
}

/** The init sample and three map steps (identity preprocessing, centroids from the first rows) through `queue`. */
async function kmeansSteps(queue: ShardQueue, features: Float32Array) {
  const points = await publishFeatureShards(queue, features, dims, 500);
  const samples = await points.sample(0.25, 3, 1);
  const partials = [];
  for (const iteration of [1, 2, 3]) {
    const centroids = features.slice(iteration * k * dims, (iteration + 1) * k * dims);
    const step = { iteration, centroids, k, preprocessing: { inputDims: dims, outputDims: dims, l2Normalize: false }, trainingFraction: 0.5, seed: 3, salt: 2 };
    partials.push(await points.accumulate(step));
  }
  return { shardRows: points.shardRows, samples, partials };
}

describe('createRunShardQueue', () => {
  const portal = useTestPortal();
  const local = new ShardWorkerState();
  afterAll(() => local.dispose());

  async function newWorker(name: string) {
    const { secret, workerId } = await portal.api.newWorker(name);
    return { client: createPortalClient(portal.url, secret), workerId };
  }

  it('hands k-means steps to helpers and the run\'s worker: the in-process bits, in shard order, each task once', async () => {
    const run = await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const holder = await newWorker('holder');
    expect((await holder.client.worker.claim.mutate({ workerId: holder.workerId }))?.id).toBe(run.id);
    const files = memoryFiles();
    const controller = new AbortController();

    // A helper whose first file read fails: its shard goes back to the queue and is executed again.
    let failures = 1;
    const flaky: RunFiles = { get: (runId, name) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : files.get(runId, name)), put: files.put };
    const helpers = await Promise.all(['a', 'b'].map((name) => newWorker(name)));
    const executors = helpers.map((h, i) => new ShardExecutor({ client: h.client, workerId: h.workerId, files: i === 0 ? flaky : files }));
    const helping = executors.map(async (executor) => {
      while (!controller.signal.aborted) if (!(await executor.runOne())) await new Promise((r) => setTimeout(r, 50));
    });

    // each executor is a worker of its own: its own engine (an engine holds one step's accumulators at a time)
    const own = new ShardExecutor({ client: holder.client, workerId: holder.workerId, files });
    const queue = createRunShardQueue({ client: holder.client, workerId: holder.workerId, runId: run.id, files, executor: own, signal: controller.signal, pollMs: 50 });
    const features = seededRows(8);
    const distributed = await kmeansSteps(queue, features);
    controller.abort();
    await Promise.all(helping);
    await Promise.all([...executors, own].map((executor) => executor.close()));

    const inProcess = await kmeansSteps(inProcessQueue(local), features);
    expect(distributed.shardRows).toEqual([480, 480, 480, 480, 480]);
    expect(inProcess.samples.every((sample) => sample.length > 0)).toBe(true);
    expect(distributed.samples.map((sample) => sample.length)).toEqual(inProcess.samples.map((sample) => sample.length));
    expect(distributed.samples).toEqual(inProcess.samples);
    expect(distributed.partials).toEqual(inProcess.partials);
    expect(executors[0].executed + executors[1].executed + own.executed).toBe(5 * 4);
    const tasks = await portal.api.db.shardTask.findMany({ where: { runId: run.id } });
    expect(tasks.map((t) => `${t.kind}/${t.iteration}`).sort()).toEqual(
      [...Array(5).fill('kmeans-sample/0'), ...[1, 2, 3].flatMap((iteration) => Array(5).fill(`kmeans-map/${iteration}`))].sort(),
    );
    expect(tasks.every((t) => t.status === 'succeeded')).toBe(true);
    expect(tasks.filter((t) => t.attempt === 2)).toHaveLength(1);
  }, 120_000);
});
