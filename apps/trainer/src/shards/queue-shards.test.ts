/**
 * Sharded k-means through the real shard queue (real API over HTTP, real Postgres): the run's worker and
 * helper workers execute the shards; the result is bit for bit the in-process fit with the same shard plan.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fitKMeansSharded, gaussianMixture, InMemoryShards, planShards, toRowBlocks, WasmDistanceEngine } from '@ktlab/kmeans';
import { createPortalClient } from '../api-client';
import { useTestPortal } from '../test-support';
import type { RunFiles } from './kmeans-shard-tasks';
import { QueueShards } from './queue-shards';
import { ShardExecutor } from './shard-executor';

const dims = 6;
const rows = 2_400;
const data = gaussianMixture({ rows, dims, components: 10, centerSpread: 4, noise: 0.5, seed: 8 });
const fitOptions = { k: 10, iterations: 4, seed: 3, maxPointsPerCentroid: 100, preprocessing: { pcaDims: 4, whiten: true } };

/** The run's files in memory (the portal's artifact store in production). */
function memoryFiles(): RunFiles & { names(): string[] } {
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
    names: () => [...store.keys()],
  };
}

describe('QueueShards', () => {
  const portal = useTestPortal();
  // One engine per simulated worker: an engine holds one step's accumulators at a time.
  const engines = [1, 2, 3, 4].map(() => new WasmDistanceEngine({ threads: 1 }));
  const [engine] = engines;
  afterAll(() => Promise.all(engines.map((e) => e.dispose())));

  async function newWorker(name: string) {
    const { secret, workerId } = await portal.api.newWorker(name);
    return { client: createPortalClient(portal.url, secret), workerId };
  }

  it('fits the same centroids as one process, with helpers executing shards and a helper that fails once', async () => {
    const run = await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const holder = await newWorker('holder');
    expect((await holder.client.worker.claim.mutate({ workerId: holder.workerId }))?.id).toBe(run.id);
    const files = memoryFiles();
    const controller = new AbortController();

    // A helper whose first file read fails: its shard goes back to the queue and is executed again.
    let failures = 1;
    const flaky: RunFiles = { get: (runId, name) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : files.get(runId, name)), put: files.put };
    const helpers = await Promise.all(['a', 'b'].map((name) => newWorker(name)));
    const executors = helpers.map((h, i) => new ShardExecutor({ client: h.client, workerId: h.workerId, files: i === 0 ? flaky : files, engine: engines[i + 1] }));
    const helping = executors.map(async (executor) => {
      while (!controller.signal.aborted) if (!(await executor.runOne())) await new Promise((r) => setTimeout(r, 50));
    });

    const own = new ShardExecutor({ client: holder.client, workerId: holder.workerId, files, engine: engines[3] });
    const shards = await QueueShards.publish({ client: holder.client, workerId: holder.workerId, runId: run.id, files, executor: own, signal: controller.signal, pollMs: 50 }, data.points, dims, 500);
    expect(shards.shardRows).toEqual([480, 480, 480, 480, 480]);
    const distributed = await fitKMeansSharded(shards, fitOptions);
    controller.abort();
    await Promise.all(helping);

    const local = await fitKMeansSharded(
      new InMemoryShards(planShards(rows, 5).map(({ start, end }) => toRowBlocks(data.points.subarray(start * dims, end * dims), dims)), () => engine),
      fitOptions,
    );
    expect(distributed.model.centroids).toEqual(local.model.centroids);
    expect(distributed.history.map((m) => m.inertia)).toEqual(local.history.map((m) => m.inertia));
    expect(executors[0].executed + executors[1].executed + own.executed).toBe(5 * (1 + fitOptions.iterations));
    const tasks = await portal.api.db.shardTask.findMany({ where: { runId: run.id } });
    expect(tasks).toHaveLength(5 * (1 + fitOptions.iterations));
    expect(tasks.every((t) => t.status === 'succeeded')).toBe(true);
    expect(tasks.filter((t) => t.attempt === 2)).toHaveLength(1);
  }, 120_000);
});
