/**
 * Scale-out end to end: a pipeline whose feature extraction, k-means and pseudo-label assignment are sharded,
 * run once by one trainer process and once by three (one holds the run, the others execute its shards), against
 * the real API and Postgres. The features (of a network that travels as a run file), the centroids and the
 * pseudo-labels (for another dataset than the clustering's) must be the same bits. That the sharded path equals
 * the in-process one is tested in libs/pipeline/src/sharding/sharded-stages.test.ts.
 *
 * Who executes which shard is arranged, not left to scheduling: the holder executes none (KTLAB_TEST_MAX_SHARDS=0),
 * a first helper — alone while the first feature shards wait — executes exactly 5, and a second helper, started
 * once those are done, executes the rest.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorkerToken } from '@ktlab/api';
import { loadKMeansModel, readNpy, readPseudoLabels } from '@ktlab/pipeline';
import { exited, spawnTrainer, useTestPortal, waitFor, writeTinyImageFolder, type TrainerProcess } from '../test-support';

describe('sharded features, k-means and assignment across trainer processes', () => {
  process.env.KTLAB_ARTIFACTS = mkdtempSync(join(tmpdir(), 'ktlab-artifacts-'));
  const portal = useTestPortal();
  let data: string;
  beforeAll(async () => {
    data = await writeTinyImageFolder(mkdtempSync(join(tmpdir(), 'ktlab-sharded-data-')), 30);
  });

  const createRun = () =>
    portal.api.user.runs.create({
      method: 'cc-random-network',
      config: {
        kind: 'pipeline',
        seed: 5,
        data: { path: data },
        pretext: { task: 'none', imageSize: 24, widthMultiplier: 0.1 },
        clustering: { source: 'random-network', layer: 'conv3', grid: [2, 2], k: 4, iterations: 3, shardRows: 6, maxPointsPerCentroid: 0 },
        pseudoLabels: { data: { path: data, subset: 'first-half' } },
        target: { epochs: 1, batchSize: 8, widthMultiplier: 0.1 },
        evaluation: { layers: ['conv1'], protocols: ['knn'] },
      },
    });

  /** The features, k-means model and pseudo-labels the run's worker left in its run folder (whichever home that was). */
  async function clusteringOf(runId: string, homes: string[]) {
    const home = homes.find((h) => existsSync(join(h, 'runs', runId, 'kmeans', 'centroids.ktkm')));
    if (!home) throw new Error(`no worker home holds run ${runId}'s centroids`);
    const dir = join(home, 'runs', runId);
    const pseudoLabels = await readPseudoLabels(join(dir, 'pseudo-labels', 'labels.ktpl'));
    return {
      clustering: await readNpy(join(dir, 'features', 'clustering.npy')),
      labeling: await readNpy(join(dir, 'features', 'labeling.npy')),
      model: await loadKMeansModel(join(dir, 'kmeans', 'centroids.ktkm')),
      labels: pseudoLabels.labels,
      distances: pseudoLabels.distances,
    };
  }

  it('gives the same features, centroids and pseudo-labels with one worker and with three, each shard executed once', async () => {
    const { secret } = await createWorkerToken(portal.api.db, 'sharded');
    const alone = await createRun();
    const soloHome = mkdtempSync(join(tmpdir(), 'ktlab-solo-'));
    const solo = spawnTrainer(portal.url, secret, 'solo', { KTLAB_EXIT_WHEN_IDLE: '1', KTLAB_HOME: soloHome });
    expect(await exited(solo), solo.text()).toBe(0);
    expect((await portal.api.user.runs.get({ id: alone.id })).status, solo.text()).toBe('succeeded');

    const homes = { holder: '', first: '', second: '' };
    for (const role of Object.keys(homes) as (keyof typeof homes)[]) homes[role] = mkdtempSync(join(tmpdir(), `ktlab-worker-${role}-`));
    const trainers: TrainerProcess[] = [];
    const workerId = async (name: string) => (await portal.api.db.worker.findFirstOrThrow({ where: { name } })).id;
    const shared = await createRun();
    const shardTasks = () => portal.api.db.shardTask.findMany({ where: { runId: shared.id }, orderBy: [{ createdAt: 'asc' }, { iteration: 'asc' }, { shard: 'asc' }] });
    try {
      // The holder is the only worker when the run is queued, so it claims it; it executes no shard itself.
      trainers.push(spawnTrainer(portal.url, secret, 'holder', { KTLAB_HOME: homes.holder, KTLAB_TEST_MAX_SHARDS: '0' }));
      await waitFor(async () => (await portal.api.db.run.findUniqueOrThrow({ where: { id: shared.id } })).status === 'running', 120_000, 'the holder to claim the run');
      // The first helper starts once the 10 clustering feature shards wait (nothing else is queued then), and
      // takes exactly 5 of them: shards 0–4, as the queue hands out the oldest first.
      await waitFor(async () => (await shardTasks()).filter((task) => task.kind === 'features' && task.status === 'queued').length === 10, 120_000, 'the feature shards');
      trainers.push(spawnTrainer(portal.url, secret, 'first-helper', { KTLAB_HOME: homes.first, KTLAB_TEST_MAX_SHARDS: '5' }));
      const firstHelper = await waitFor(async () => (await portal.api.db.worker.findFirst({ where: { name: 'first-helper' } }))?.id, 120_000, 'the first helper');
      await waitFor(
        async () => (await shardTasks()).filter((task) => task.claimedById === firstHelper && task.status === 'succeeded').length === 5,
        120_000,
        'the first helper\'s 5 shards',
      );
      // The second helper executes everything else.
      trainers.push(spawnTrainer(portal.url, secret, 'second-helper', { KTLAB_HOME: homes.second }));
      const finished = await waitFor(async () => {
        const run = await portal.api.user.runs.get({ id: shared.id });
        return ['succeeded', 'failed'].includes(run.status) && run;
      }, 240_000, 'the sharded run to finish');
      expect(finished.status, finished.error ?? trainers.map((t) => t.text()).join('\n')).toBe('succeeded');
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${trainers.map((t) => t.text()).join('\n')}`);
    } finally {
      for (const trainer of trainers) trainer.kill('SIGTERM');
      await Promise.all(trainers.map(exited));
    }

    const tasks = await shardTasks();
    const count = (kind: string, iteration?: number) => tasks.filter((task) => task.kind === kind && (iteration === undefined || task.iteration === iteration)).length;
    // 60 clustering images in shards of 6; the pseudo-labels go to the first half (30 images, 5 shards)
    expect(count('features', 0)).toBe(10);
    expect(count('features', 1)).toBe(5);
    expect(count('kmeans-sample')).toBe(10);
    expect(count('kmeans-map')).toBe(10 * 3);
    expect(count('assign')).toBe(5);
    expect(tasks).toHaveLength(60);
    // each shard executed exactly once: one row per (kind, iteration, shard), claimed once, succeeded
    expect(new Set(tasks.map((task) => `${task.kind}/${task.iteration}/${task.shard}`)).size).toBe(60);
    expect(tasks.filter((task) => task.status !== 'succeeded' || task.attempt !== 1)).toEqual([]);
    // …and by the worker the test arranged
    const [firstHelper, secondHelper] = await Promise.all([workerId('first-helper'), workerId('second-helper')]);
    const byFirst = tasks.filter((task) => task.claimedById === firstHelper).map((task) => `${task.kind}/${task.iteration}/${task.shard}`);
    expect(byFirst).toEqual([0, 1, 2, 3, 4].map((shard) => `features/0/${shard}`));
    expect(tasks.filter((task) => task.claimedById !== firstHelper).every((task) => task.claimedById === secondHelper)).toBe(true);

    // the holder's run folder, built from shard outputs computed in the helpers' processes
    const three = await clusteringOf(shared.id, [homes.holder]);
    const one = await clusteringOf(alone.id, [soloHome]);
    expect(three.clustering.shape).toEqual([60, one.clustering.shape[1]]);
    expect(three.labeling.shape).toEqual([30, one.clustering.shape[1]]);
    expect(three.clustering.data).toEqual(one.clustering.data);
    expect(three.labeling.data).toEqual(one.labeling.data);
    expect(three.model.centroids).toEqual(one.model.centroids);
    expect(three.labels).toHaveLength(30);
    expect(three.labels).toEqual(one.labels);
    expect(three.distances).toEqual(one.distances);
    const progress = await portal.api.user.runs.shards({ id: shared.id });
    expect(progress.find((step) => step.kind === 'kmeans-map' && step.iteration === 3)).toMatchObject({ succeeded: 10, queued: 0, failed: 0 });
    expect(progress.filter((step) => step.kind === 'features').map((step) => [step.iteration, step.succeeded])).toEqual([[1, 5], [0, 10]]);
    expect(progress.find((step) => step.kind === 'assign')).toMatchObject({ succeeded: 5, failed: 0 });
  }, 420_000);
});
