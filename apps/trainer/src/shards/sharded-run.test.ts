/**
 * Scale-out end to end: a pipeline whose k-means is sharded, run once by one trainer process and once by three
 * (one holds the run, the others execute its shards), against the real API and Postgres. The centroids and the
 * pseudo-labels must be the same bits.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWorkerToken } from '@ktlab/api';
import { loadModel, readPseudoLabels } from '@ktlab/kmeans';
import { exited, spawnTrainer, useTestPortal, waitFor, writeTinyImageFolder } from '../test-support';

describe('sharded k-means across trainer processes', () => {
  process.env.KTLAB_ARTIFACTS = mkdtempSync(join(tmpdir(), 'ktlab-artifacts-'));
  const portal = useTestPortal();
  let data: string;
  beforeAll(async () => {
    data = await writeTinyImageFolder(mkdtempSync(join(tmpdir(), 'ktlab-sharded-data-')), 30);
  });

  const createRun = () =>
    portal.api.user.runs.create({
      method: 'cc-hog',
      config: {
        kind: 'pipeline',
        seed: 5,
        data: { path: data },
        pretext: { task: 'none' },
        clustering: { source: 'hog', k: 4, iterations: 4, shardRows: 6, maxPointsPerCentroid: 0 },
        target: { epochs: 1, batchSize: 8, widthMultiplier: 0.1 },
        evaluation: { layers: ['conv1'], protocols: ['knn'] },
      },
    });

  /** The k-means model and pseudo-labels the run's worker left in its run folder (whichever home that was). */
  async function clusteringOf(runId: string, homes: string[]) {
    const home = homes.find((h) => existsSync(join(h, 'runs', runId, 'kmeans', 'centroids.ktkm')));
    if (!home) throw new Error(`no worker home holds run ${runId}'s centroids`);
    const dir = join(home, 'runs', runId);
    return { model: await loadModel(join(dir, 'kmeans', 'centroids.ktkm')), labels: (await readPseudoLabels(join(dir, 'pseudo-labels', 'labels.ktpl'))).labels };
  }

  it('gives the same centroids and pseudo-labels with one worker and with three', async () => {
    const { secret } = await createWorkerToken(portal.api.db, 'sharded');
    const alone = await createRun();
    const soloHome = mkdtempSync(join(tmpdir(), 'ktlab-solo-'));
    const solo = spawnTrainer(portal.url, secret, 'solo', { KTLAB_EXIT_WHEN_IDLE: '1', KTLAB_HOME: soloHome });
    expect(await exited(solo), solo.text()).toBe(0);
    expect((await portal.api.user.runs.get({ id: alone.id })).status, solo.text()).toBe('succeeded');

    const shared = await createRun();
    const homes = ['a', 'b', 'c'].map((name) => mkdtempSync(join(tmpdir(), `ktlab-worker-${name}-`)));
    const trainers = homes.map((home, i) => spawnTrainer(portal.url, secret, `worker-${'abc'[i]}`, { KTLAB_HOME: home }));
    try {
      const finished = await waitFor(async () => {
        const run = await portal.api.user.runs.get({ id: shared.id });
        return ['succeeded', 'failed'].includes(run.status) && run;
      }, 240_000, 'the sharded run to finish');
      expect(finished.status, finished.error ?? trainers.map((t) => t.text()).join('\n')).toBe('succeeded');
    } finally {
      for (const trainer of trainers) trainer.kill('SIGTERM');
      await Promise.all(trainers.map(exited));
    }

    const tasks = await portal.api.db.shardTask.findMany({ where: { runId: shared.id }, include: { claimedBy: { select: { name: true } } } });
    expect(tasks).toHaveLength(10 * (1 + 4)); // 60 rows in shards of 6: the init sample + 4 iterations
    expect(tasks.every((task) => task.status === 'succeeded')).toBe(true);
    expect(new Set(tasks.map((task) => task.claimedBy?.name)).size, 'shards executed by more than one worker').toBeGreaterThan(1);

    const one = await clusteringOf(alone.id, [soloHome]);
    const three = await clusteringOf(shared.id, homes);
    expect(three.model.centroids).toEqual(one.model.centroids);
    expect(three.labels).toEqual(one.labels);
    const progress = await portal.api.user.runs.shards({ id: shared.id });
    expect(progress.find((step) => step.kind === 'kmeans-map' && step.iteration === 4)).toMatchObject({ succeeded: 10, queued: 0, failed: 0 });
  }, 420_000);
});
