/**
 * The trainer against the real API over HTTP and a real Postgres: spawned worker processes, as in production.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseNpy, readPseudoLabels } from '@ktlab/pipeline';
import { loadModel } from '@ktlab/models';
import { createWorkerToken, storedMetricPoints } from '@ktlab/api';
import { exited, spawnTrainer, useTestPortal, waitFor, writeTinyImageFolder } from './test-support';

describe('trainer daemon', () => {
  const portal = useTestPortal();

  it('answers 401 to a worker call without a valid token', async () => {
    const response = await fetch(`${portal.url}/api/trpc/worker.claim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ktw_wrong' },
      body: JSON.stringify({ json: { workerId: 'x' } }),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a request body over the size limit with 413', async () => {
    const response = await fetch(`${portal.url}/api/trpc/runs.create`, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024) });
    expect(response.status).toBe(413);
  });

  it('3 worker processes execute each of 60 queued runs exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push((await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: 3, batchSize: 8, stepDelayMs: 0, seed: i } })).id);
    }
    const { secret } = await createWorkerToken(portal.api.db, 'test');
    const trainers = [1, 2, 3].map((i) => spawnTrainer(portal.url, secret, `bulk-${i}`, { KTLAB_EXIT_WHEN_IDLE: '1' }));
    const codes = await Promise.all(trainers.map(exited));
    expect(codes, trainers.map((t) => t.output.join('')).join('\n')).toEqual([0, 0, 0]);
    const runs = await portal.api.db.run.findMany({ where: { id: { in: ids } } });
    expect(runs.every((r) => r.status === 'succeeded' && r.attempt === 1)).toBe(true);
    const losses = await storedMetricPoints(portal.api.db, { runIds: ids, key: 'train/loss' });
    expect(ids.map((id) => losses.filter((point) => point.runId === id).length)).toEqual(ids.map(() => 3));
    const started = trainers.flatMap((t) => t.output.join('').match(/: started/g) ?? []);
    expect(started.length).toBe(60);
  }, 180_000);

  it('hands the run back on SIGTERM and stops a cancelled run at the next step', async () => {
    const long = { kind: 'smoke' as const, steps: 10_000, batchSize: 8, stepDelayMs: 20 };
    const first = await portal.api.user.runs.create({ method: 'smoke', config: long });
    const { secret } = await createWorkerToken(portal.api.db, 'test-signals');
    const trainer = spawnTrainer(portal.url, secret, 'signals');
    await waitFor(async () => (await storedMetricPoints(portal.api.db, { runIds: [first.id] })).length > 0);
    trainer.kill('SIGTERM');
    expect(await exited(trainer), trainer.output.join('')).toBe(0);
    const released = await portal.api.db.run.findUniqueOrThrow({ where: { id: first.id } });
    expect(released.status).toBe('queued');
    expect(released.claimedById).toBeNull();

    const second = spawnTrainer(portal.url, secret, 'signals-2');
    await waitFor(async () => (await portal.api.db.run.findUniqueOrThrow({ where: { id: first.id } })).attempt === 2);
    await portal.api.user.runs.cancel({ id: first.id });
    const cancelled = await waitFor(async () => {
      const run = await portal.api.db.run.findUniqueOrThrow({ where: { id: first.id } });
      return run.status === 'cancelled' && run;
    });
    expect(cancelled.finishedAt).not.toBeNull();
    second.kill('SIGTERM');
    expect(await exited(second), second.output.join('')).toBe(0);
  }, 120_000);

  it('survives losing its run before finishing it (lease reclaimed): logs it, keeps working, and the run completes', async () => {
    const run = await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: 60, batchSize: 8, stepDelayMs: 25 } });
    const { secret } = await createWorkerToken(portal.api.db, 'test-lost-run');
    const trainer = spawnTrainer(portal.url, secret, 'lost-run', { KTLAB_EXIT_WHEN_IDLE: '1' });
    await waitFor(async () => (await storedMetricPoints(portal.api.db, { runIds: [run.id] })).length > 0);
    // What the lease reaper does when a lease expires, done before this worker's next heartbeat can notice.
    await portal.api.db.run.update({ where: { id: run.id }, data: { status: 'queued', claimedById: null, leaseUntil: null } });
    expect(await exited(trainer), trainer.text()).toBe(0);
    expect(trainer.text()).toMatch(/not held by this worker any more|lease lost/);
    const done = await portal.api.db.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(done.status).toBe('succeeded');
    expect(done.attempt).toBe(2);
  }, 120_000);

  it('runs a knowledge-transfer pipeline as a portal run: stages, metrics, eval results, figures and downloads arrive, and a downloaded model loads', async () => {
    const data = await writeTinyImageFolder(mkdtempSync(join(tmpdir(), 'ktlab-trainer-data-')));
    const run = await portal.api.user.runs.create({
      method: 'cc-hog',
      config: {
        kind: 'pipeline',
        data: { path: data },
        pretext: { task: 'none' },
        clustering: { source: 'hog', k: 3, iterations: 2 },
        target: { epochs: 1, batchSize: 8, widthMultiplier: 0.1 },
        evaluation: { layers: ['conv1', 'conv5'], epochs: 1 },
      },
    });
    const { secret } = await createWorkerToken(portal.api.db, 'test-pipeline');
    const home = mkdtempSync(join(tmpdir(), 'ktlab-trainer-home-'));
    const trainer = spawnTrainer(portal.url, secret, 'pipeline', { KTLAB_EXIT_WHEN_IDLE: '1', KTLAB_HOME: home });
    expect(await exited(trainer), trainer.output.join('')).toBe(0);
    const done = await portal.api.user.runs.get({ id: run.id });
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.stages.map((s) => `${s.kind}:${s.status}`)).toEqual([
      'pretext:skipped',
      'features:succeeded',
      'kmeans:succeeded',
      'pseudo-labels:succeeded',
      'cluster-classification:succeeded',
      'eval:succeeded',
    ]);
    expect(done.evalResults.map((r) => `${r.protocol}:${r.layer}`).sort()).toEqual(['knn:conv1', 'knn:conv5', 'linear:conv1', 'linear:conv5']);
    expect(done.metricKeys).toContain('kmeans/inertia');
    expect(done.artifacts.map((a) => `${a.kind} ${a.name}`).sort()).toEqual([
      'centroids centroids.npy',
      'figure cluster-neighbours.png',
      'clusters clusters-sprite-000.png',
      'clusters clusters-summary.json',
      'eval-table eval.csv',
      'eval-table results.json',
      'features features-clustering.npy',
      'figure conv1-filters.png',
      'model target-model.json',
      'model target-weights.bin',
      'pseudo-labels pseudo-labels.csv',
      'pseudo-labels pseudo-labels.npy',
    ].sort());
    // what a member downloads from the run page: the same bytes as the worker's run folder; the model pair loads
    const member = await portal.api.newUser('pipeline downloader', { projects: ['default'], role: 'member' });
    const downloaded = new Map<string, Buffer>();
    for (const artifact of done.artifacts.filter((a) => ['centroids', 'pseudo-labels', 'model', 'eval-table', 'features'].includes(a.kind))) {
      const response = await fetch(`${portal.url}/api/artifacts/${artifact.id}`, { headers: { cookie: member.cookie } });
      expect(response.status, artifact.name).toBe(200);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${artifact.name}"`);
      downloaded.set(artifact.name, Buffer.from(await response.arrayBuffer()));
    }
    const runDir = join(home, 'runs', run.id);
    expect(downloaded.get('pseudo-labels.csv')).toEqual(readFileSync(join(runDir, 'pseudo-labels', 'labels.csv')));
    expect(downloaded.get('features-clustering.npy')).toEqual(readFileSync(join(runDir, 'features', 'clustering.npy')));
    expect(downloaded.get('eval.csv')!.toString().trim().split('\n')).toHaveLength(1 + done.evalResults.length);
    const centroids = parseNpy(new Uint8Array(downloaded.get('centroids.npy')!));
    expect(centroids.shape[0]).toBe(3);
    expect(Array.from(parseNpy(new Uint8Array(downloaded.get('pseudo-labels.npy')!)).data)).toEqual(Array.from((await readPseudoLabels(join(runDir, 'pseudo-labels', 'labels.ktpl'))).labels));
    const fetchFunc = async (url: string | URL | Request) => {
      const bytes = downloaded.get(new URL(String(url)).pathname.slice(1));
      return bytes ? new Response(new Uint8Array(bytes)) : new Response('not found', { status: 404 });
    };
    // This process registers tfjs's wasm backend (through the trainer's imports) without starting it; loading a
    // model needs a backend that is ready, whichever tfjs would pick by priority.
    await tf.setBackend('cpu');
    const loaded = await tf.loadLayersModel('http://downloads.test/target-model.json', { fetchFunc });
    const original = await loadModel(join(runDir, 'target', 'model'));
    expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(original.getWeights().map((w) => Array.from(w.dataSync())));
    const clusters = await portal.api.user.runs.clusters({ runId: run.id });
    expect(clusters.available && clusters.k).toBe(3);
    const logs = await portal.api.user.runs.logs({ runId: run.id, limit: 1000 });
    expect(logs.lines.map((line) => line.message).join('\n')).toMatch(/clusters: \d of 3 clusters used/);
  }, 180_000);
});
