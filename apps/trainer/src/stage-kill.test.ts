/**
 * A worker SIGKILLed during each stage kind of a tiny pipeline run: another worker with its own state folder
 * resumes the run from the portal's checkpoint copy, and the run finishes with the same result as an
 * uninterrupted run with the same seed.
 *
 * The kill is deterministic: `KTLAB_TEST_SIGKILL_AT` (jobs/test-kill-switch.ts) makes the trainer SIGKILL itself
 * when a stage starts, after a stage's N-th epoch checkpoint reached the portal, or at a training step in the
 * middle of an epoch. To keep the suite short the cases form one chain over the same run: each case's worker
 * (a fresh KTLAB_HOME, attempt n) resumes what the previous case's killed worker left and is itself killed
 * at the next stage kind; a last worker (another fresh KTLAB_HOME) finishes it, then runs the uninterrupted
 * reference. The pipeline is thus computed about twice in all, not once per case.
 *
 * Checked per case: the worker resumed from the portal's checkpoint (`checkpoint: restored`), took exactly the
 * stages finished before from their checkpoints (`already done (checkpoint), skipping`), resumed a training
 * that was killed after an epoch checkpoint `after epoch 1`, and died at its point. Checked at the end, "the same
 * result" as the uninterrupted run:
 *  - the k-means model (k, centroids, preprocessing; not the file's creation time) is identical, the
 *    pseudo-labels file byte-identical;
 *  - every metric series has exactly the reference's (key, step) pairs — no gap, no duplicate (the portal's key
 *    forbids duplicates) — and bit-identical values, including the steps replayed after the mid-epoch kill
 *    (weights and momentum restored exactly, dropout seeded per step, epoch orders seeded);
 *  - the evaluation results are equal (to 1e-9).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerToken, storedMetricPoints } from '@ktlab/api';
import type { RunConfigInput } from '@ktlab/config';
import { loadKMeansModel } from '@ktlab/pipeline';
import { exited, spawnTrainer, useTestPortal, writeTinyImageFolder, type TrainerProcess } from './test-support';

process.env.KTLAB_ARTIFACTS ??= mkdtempSync(join(tmpdir(), 'ktlab-stage-kill-artifacts-'));

const STAGES = ['pretext', 'features', 'kmeans', 'pseudo-labels', 'cluster-classification', 'eval'] as const;
const before = (stage: (typeof STAGES)[number]) => STAGES.slice(0, STAGES.indexOf(stage));

interface KillCase {
  /** KTLAB_TEST_SIGKILL_AT */
  at: string;
  /** Stages this attempt takes from the checkpoint (finished by earlier attempts, before the previous kill). */
  restored: readonly string[];
  /** The training this attempt resumes after epoch 1 (the previous attempt was killed after it). */
  resumes?: string;
}

const CASES: KillCase[] = [
  { at: 'pretext@checkpoint=1', restored: [] },
  { at: 'features', restored: [], resumes: 'pretext' },
  { at: 'kmeans', restored: before('features') },
  { at: 'pseudo-labels', restored: before('kmeans') },
  // 12 images in batches of 4: step 4 is in the middle of the second epoch, after epoch 1's checkpoint
  { at: 'cluster-classification@step=4', restored: before('pseudo-labels') },
  { at: 'eval@checkpoint=1', restored: before('cluster-classification'), resumes: 'target' },
];

describe('SIGKILL during each stage kind', () => {
  const portal = useTestPortal();
  const processes: TrainerProcess[] = [];
  let data = '';
  let secret = '';
  let runId = '';
  afterAll(() => {
    for (const child of processes) child.kill('SIGKILL');
  });

  const config = (): RunConfigInput => ({
    kind: 'pipeline',
    seed: 11,
    imageSize: 32,
    data: { path: data },
    pretext: { task: 'jigsaw', imageSize: 36, widthMultiplier: 0.1, epochs: 2, batchSize: 4, permutations: 4 },
    clustering: { source: 'pretext', layer: 'conv3', grid: [1, 1], k: 3, iterations: 3 },
    target: { widthMultiplier: 0.1, epochs: 2, batchSize: 4 },
    evaluation: { layers: ['conv1'], protocols: ['linear', 'finetune'], epochs: 2, trainEpochs: 2, batchSize: 4 },
  });

  beforeAll(async () => {
    data = await writeTinyImageFolder(mkdtempSync(join(tmpdir(), 'ktlab-stage-kill-data-')), 6);
    secret = (await createWorkerToken(portal.api.db, 'stage-kill')).secret;
    runId = (await portal.api.user.runs.create({ method: 'ssl-kt', name: 'interrupted', config: config() })).id;
  });

  const skipped = (log: string) => [...log.matchAll(/run interrupted: ([a-z-]+): already done \(checkpoint\), skipping/g)].map((m) => m[1]);

  it.each(CASES.map((c, i) => ({ ...c, attempt: i + 1 })))(
    'attempt $attempt, SIGKILL at $at: resumes the previous attempt from the portal’s checkpoint on a new machine',
    async (c) => {
      const { api, url } = portal;
      const worker = spawnTrainer(url, secret, `machine-${c.attempt}`, { KTLAB_HOME: mkdtempSync(join(tmpdir(), 'ktlab-stage-kill-home-')), KTLAB_TEST_SIGKILL_AT: c.at });
      processes.push(worker);
      await exited(worker);
      const log = worker.text();
      expect(worker.signalCode, log).toBe('SIGKILL');
      expect(log).toContain('test kill switch: SIGKILL');
      const run = await api.db.run.findUniqueOrThrow({ where: { id: runId } });
      expect(run.status, log).toBe('running');
      expect(run.attempt).toBe(c.attempt);
      if (c.attempt > 1) expect(log).toMatch(/run interrupted: checkpoint: restored \d+ of \d+ file\(s\)/);
      expect(skipped(log)).toEqual(c.restored);
      if (c.resumes) expect(log).toContain(`run interrupted: ${c.resumes}: resuming after epoch 1`);
      // the dead worker's heartbeat timeout, brought forward (the timeout itself: resilience.test.ts); the next
      // claim re-queues the run with attempt + 1
      await api.db.run.update({ where: { id: runId }, data: { leaseUntil: new Date(Date.now() - 1000) } });
    },
    240_000,
  );

  it('the last attempt finishes the run with the same result as an uninterrupted run', async () => {
    const { api, url } = portal;
    // queued after the interrupted run, which the worker therefore finishes first
    const referenceId = (await api.user.runs.create({ method: 'ssl-kt', name: 'uninterrupted', config: config() })).id;
    const home = mkdtempSync(join(tmpdir(), 'ktlab-stage-kill-home-'));
    const worker = spawnTrainer(url, secret, 'machine-last', { KTLAB_HOME: home, KTLAB_EXIT_WHEN_IDLE: '1' });
    processes.push(worker);
    expect(await exited(worker), worker.text()).toBe(0);
    const log = worker.text();
    expect(skipped(log)).toEqual(before('eval'));
    // the evaluation's fine-tuning was killed after its first epoch checkpoint
    expect(log).toMatch(/run interrupted: [\w/-]+: resuming after epoch 1/);

    const [resumed, reference] = await Promise.all([runId, referenceId].map((id) => api.user.runs.get({ id })));
    expect(reference!.status, reference!.error ?? '').toBe('succeeded');
    expect(resumed!.status, resumed!.error ?? '').toBe('succeeded');
    expect(resumed!.attempt).toBe(CASES.length + 1);
    expect(reference!.attempt).toBe(1);

    const runFile = (id: string, stage: string, pick: (outputs: Record<string, string>) => string) => {
      const record = JSON.parse(readFileSync(join(home, 'runs', id, 'stages', `${stage}.json`), 'utf8')) as { outputs: Record<string, string> };
      return join(home, 'runs', id, pick(record.outputs));
    };
    // the centroids file's header also records when it was written and how long the fit took: compare the model
    const centroids = async (id: string) => {
      const { k, dims, centroids: values, preprocessing } = await loadKMeansModel(runFile(id, 'kmeans', (o) => o.artifact));
      return { k, dims, centroids: [...values], preprocessing };
    };
    expect(await centroids(runId)).toEqual(await centroids(referenceId));
    const labels = (id: string) => readFileSync(runFile(id, 'pseudo-labels', (o) => o.file));
    expect(labels(runId).equals(labels(referenceId))).toBe(true);

    const series = async (id: string) =>
      (await storedMetricPoints(api.db, { runIds: [id] })).map((p) => `${p.key}@${p.step}=${p.value}`);
    const [got, want] = await Promise.all([series(runId), series(referenceId)]);
    expect(want.length).toBeGreaterThan(0);
    expect(got).toEqual(want);

    const results = (run: typeof resumed) => run!.evalResults.map((r) => ({ name: `${r.protocol}/${r.layer}/${r.metric}`, value: r.value }));
    expect(results(resumed).map((r) => r.name)).toEqual(results(reference).map((r) => r.name));
    expect(results(resumed).length).toBeGreaterThan(0);
    results(resumed).forEach((r, i) => expect(r.value).toBeCloseTo(results(reference)[i]!.value, 9));
  }, 300_000);
});
