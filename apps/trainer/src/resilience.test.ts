/**
 * Faults survived, nothing lost: real trainer processes, the real API over HTTP, a real PostgreSQL.
 * A short lease (this file's API server only) makes a killed worker's run come back to the queue quickly.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerToken, startApiServer, storedMetricPoints } from '@ktlab/api';
import { createTestApi, type TestApi } from '@ktlab/api/testing';
import type { RunConfigInput } from '@ktlab/config';
import { MANIFEST_NAME } from './checkpoint-sync';
import { exited, spawnTrainer, waitFor, writeTinyImageFolder, type TrainerProcess } from './test-support';

// short enough that a killed worker's run returns soon, long enough for heartbeats from a busy loaded machine
process.env.KTLAB_LEASE_MS = '10000';
const artifactsRoot = mkdtempSync(join(tmpdir(), 'ktlab-resilience-artifacts-'));
process.env.KTLAB_ARTIFACTS = artifactsRoot;

const TARGET_EPOCHS = 12;

describe('resilience', () => {
  let api: TestApi;
  let server: Awaited<ReturnType<typeof startApiServer>>;
  let data: string;
  beforeAll(async () => {
    api = await createTestApi();
    server = await startApiServer({ db: api.db, events: api.events });
    data = await writeTinyImageFolder(mkdtempSync(join(tmpdir(), 'ktlab-resilience-data-')));
  });
  afterAll(async () => {
    await server.close();
    await api.close();
  });

  const pipelineConfig = (): RunConfigInput => ({
    kind: 'pipeline',
    seed: 7,
    data: { path: data },
    pretext: { task: 'none' },
    clustering: { source: 'hog', k: 3, iterations: 2 },
    target: { epochs: TARGET_EPOCHS, batchSize: 8, widthMultiplier: 0.1 },
    evaluation: { layers: ['conv1'], epochs: 1 },
  });

  const manifestPaths = (runId: string): string[] => {
    const file = join(artifactsRoot, runId, MANIFEST_NAME);
    if (!existsSync(file)) return [];
    return (JSON.parse(readFileSync(file, 'utf8')) as { files: { path: string }[] }).files.map((f) => f.path);
  };

  it(
    'a worker SIGKILLed mid-stage: another worker on another machine resumes from the last checkpoint, no stage redone, same result as an uninterrupted run',
    async () => {
      let uninterruptedId = '';
      const interrupted = await api.user.runs.create({ method: 'cc-hog', name: 'interrupted', config: pipelineConfig() });
      const { secret } = await createWorkerToken(api.db, 'resilience-kill');
      const homeA = mkdtempSync(join(tmpdir(), 'ktlab-home-a-'));
      const homeB = mkdtempSync(join(tmpdir(), 'ktlab-home-b-'));
      const a = spawnTrainer(server.url, secret, 'machine-a', { KTLAB_HOME: homeA });
      let b: TrainerProcess | undefined;
      try {
        // killed once cluster classification has an epoch checkpoint on the portal, long before its last epoch
        await waitFor(async () => manifestPaths(interrupted.id).includes('target/checkpoint/epoch.json'), 200_000, 'an epoch checkpoint on the portal');
        a.kill('SIGKILL');
        await exited(a);
        const atKill = await api.db.run.findUniqueOrThrow({ where: { id: interrupted.id } });
        expect(atKill.status, a.text()).toBe('running');
        await waitFor(
          async () => {
            const run = await api.db.run.findUniqueOrThrow({ where: { id: interrupted.id } });
            return run.status === 'queued' || (run.leaseUntil !== null && run.leaseUntil < new Date());
          },
          60_000,
          'lease expiry',
        );

        // queued behind the interrupted run (older), which B claims first
        uninterruptedId = (await api.user.runs.create({ method: 'cc-hog', name: 'uninterrupted', config: pipelineConfig() })).id;
        b = spawnTrainer(server.url, secret, 'machine-b', { KTLAB_HOME: homeB, KTLAB_EXIT_WHEN_IDLE: '1' });
        expect(await exited(b)).toBe(0);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- machine A ---\n${a.text()}\n--- machine B ---\n${b?.text() ?? ''}`);
      } finally {
        a.kill('SIGKILL');
        b?.kill('SIGKILL');
      }

      const log = b!.text();
      expect(log).toMatch(/checkpoint: restored \d+ of \d+ file\(s\)/);
      for (const stage of ['features', 'kmeans', 'pseudo-labels']) expect(log).toContain(`${stage}: already done (checkpoint), skipping`);
      const resumedAfter = Number(/target: resuming after epoch (\d+)/.exec(log)?.[1]);
      expect(resumedAfter).toBeGreaterThanOrEqual(1);
      expect(resumedAfter).toBeLessThan(TARGET_EPOCHS);

      const [first, second] = await Promise.all([interrupted.id, uninterruptedId].map((id) => api.user.runs.get({ id })));
      expect(first!.status, first!.error ?? '').toBe('succeeded');
      expect(second!.status, second!.error ?? '').toBe('succeeded');
      expect(first!.attempt).toBe(2);
      // the run page keeps attempt 1's time for the stage it computed, and says attempt 2 restored it
      expect(first!.stages.find((s) => s.kind === 'kmeans')?.message).toMatch(/^\d+\.\d s · restored from checkpoint$/);

      // every step exactly once (the table's key forbids duplicates; no gaps below the last step)…
      const series = await Promise.all(
        [first!.id, second!.id].map((runId) => storedMetricPoints(api.db, { runIds: [runId], key: 'target/loss' })),
      );
      const steps = series[0]!.map((p) => p.step);
      expect(steps).toEqual([...steps.keys()]);
      expect(steps.length).toBe(TARGET_EPOCHS * 3);
      // …and the same values as the uninterrupted run with the same seed
      expect(series[0]!.map((p) => p.value)).toEqual(series[1]!.map((p) => p.value));
      const results = (run: typeof first) => run!.evalResults.map((r) => `${r.protocol}/${r.layer}/${r.metric}=${r.value.toFixed(6)}`);
      expect(results(first)).toEqual(results(second));
      // the portal's run page lists results, not the checkpoint files behind them
      expect(first!.artifacts.some((artifact) => artifact.kind === 'checkpoint')).toBe(false);
      // machine B uploads the downloads from the folder it restored: the same files, the same bytes as the uninterrupted run's
      const downloads = (run: typeof first) =>
        run!.artifacts.filter((artifact) => ['features', 'centroids', 'pseudo-labels', 'model', 'eval-table'].includes(artifact.kind)).map((artifact) => artifact.name);
      expect(downloads(first)).toEqual(downloads(second));
      expect(downloads(first)).toEqual(expect.arrayContaining(['features-clustering.npy', 'centroids.npy', 'pseudo-labels.npy', 'pseudo-labels.csv', 'target-model.json', 'target-weights.bin', 'eval.csv']));
      const sha256 = async (runId: string, name: string) => (await api.db.artifact.findUniqueOrThrow({ where: { runId_name: { runId, name } } })).sha256;
      for (const name of ['features-clustering.npy', 'centroids.npy', 'pseudo-labels.npy', 'pseudo-labels.csv']) expect(await sha256(first!.id, name), name).toBe(await sha256(second!.id, name));
    },
    400_000,
  );

  it('portal restarted while a run streams metrics: the worker buffers and retries, every point lands exactly once', async () => {
    // whatever an earlier test left in the queue must not be picked up instead of this test's run
    await api.db.run.updateMany({ where: { status: { in: ['queued', 'running'] } }, data: { status: 'cancelled', claimedById: null } });
    const deps = { db: api.db, events: api.events };
    let portal = await startApiServer(deps);
    const port = Number(new URL(portal.url).port);
    const steps = 400;
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps, batchSize: 4, stepDelayMs: 10, seed: 3 } });
    const { secret } = await createWorkerToken(api.db, 'resilience-restart');
    const trainer = spawnTrainer(portal.url, secret, 'restart', { KTLAB_EXIT_WHEN_IDLE: '1' });
    try {
      await waitFor(async () => (await storedMetricPoints(api.db, { runIds: [run.id] })).length > 0, 120_000, 'first metrics');
      await portal.close();
      const downAt = (await storedMetricPoints(api.db, { runIds: [run.id] })).length;
      await new Promise((resolve) => setTimeout(resolve, 2500)); // the outage itself, not an assertion
      portal = await startApiServer(deps, port);
      expect(await exited(trainer), trainer.text()).toBe(0);
      expect(trainer.text()).toMatch(/metrics: retry/);
      const done = await api.db.run.findUniqueOrThrow({ where: { id: run.id } });
      expect(done.status, done.error ?? '').toBe('succeeded');
      expect(done.attempt).toBe(1);
      for (const key of ['train/loss', 'train/accuracy']) {
        const points = await storedMetricPoints(api.db, { runIds: [run.id], key });
        expect(points.map((p) => p.step)).toEqual([...Array(steps).keys()]);
      }
      expect(downAt).toBeLessThan(steps * 2);
    } finally {
      trainer.kill('SIGKILL');
      await portal.close();
    }
  }, 240_000);
});
