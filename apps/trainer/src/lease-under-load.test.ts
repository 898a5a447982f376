/**
 * A run whose steps hold the trainer's main thread far longer than the lease (a long synchronous kernel) must
 * keep its lease: the heartbeat may not depend on the main thread getting control. A real trainer process and
 * the real API over HTTP, with a second worker asking for work all along.
 */
import { describe, expect, it } from 'vitest';
import { createWorkerToken, storedMetricPoints } from '@ktlab/api';
import { createPortalClient } from './api-client';
import { exited, spawnTrainer, useTestPortal, waitFor } from './test-support';

// This file's API server only: a 3 s lease, renewed every second (register answers heartbeatMs = lease / 3).
process.env.KTLAB_LEASE_MS = '3000';
/** Each step holds the trainer's main thread this long without yielding: more than 3 leases. */
const BUSY_STEP_MS = 10_000;
const STEPS = 2;

describe('lease of a run whose steps block the main thread', () => {
  const portal = useTestPortal();

  it('is kept through steps 3× longer than the lease: the run finishes at attempt 1 and no other worker ever claims it', async () => {
    const run = await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: STEPS, batchSize: 4, stepDelayMs: 0, seed: 1 } });
    const { secret } = await createWorkerToken(portal.api.db, 'lease-under-load');
    const trainer = spawnTrainer(portal.url, secret, 'busy', { KTLAB_EXIT_WHEN_IDLE: '1', KTLAB_TEST_BUSY_STEP_MS: String(BUSY_STEP_MS) });
    let trainerExited = false;
    const exitCode = exited(trainer).finally(() => {
      trainerExited = true;
    });
    try {
      const held = await waitFor(
        async () => {
          const current = await portal.api.db.run.findUniqueOrThrow({ where: { id: run.id } });
          return current.status === 'running' && current.claimedById;
        },
        120_000,
        'the trainer to claim the run',
      );
      const busyWorker = await portal.api.db.worker.findFirstOrThrow({ where: { name: 'busy' } });
      expect(held).toBe(busyWorker.id);

      // A rival worker asks for work until the trainer is done; every claim first re-queues runs whose lease
      // expired, so one lapse of the busy worker's lease would hand the run to the rival.
      const rivalClient = createPortalClient(portal.url, secret);
      const rival = await rivalClient.worker.register.mutate({ name: 'rival', host: 'test' });
      const rivalClaims: { id: string; attempt: number }[] = [];
      const holdersWhileRunning = new Set<string | null>();
      while (!trainerExited) {
        const claimed = await rivalClient.worker.claim.mutate({ workerId: rival.workerId });
        if (claimed) rivalClaims.push({ id: claimed.id, attempt: claimed.attempt });
        const current = await portal.api.db.run.findUniqueOrThrow({ where: { id: run.id } });
        if (current.status !== 'succeeded') holdersWhileRunning.add(current.claimedById);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      expect(await exitCode, trainer.text()).toBe(0);
      expect(rivalClaims).toEqual([]);
      expect([...holdersWhileRunning]).toEqual([busyWorker.id]);
      const done = await portal.api.db.run.findUniqueOrThrow({ where: { id: run.id } });
      expect(done.status, trainer.text()).toBe('succeeded');
      expect(done.attempt).toBe(1);
      const losses = await storedMetricPoints(portal.api.db, { runIds: [run.id], key: 'train/loss' });
      expect(losses.map((point) => point.step)).toEqual([...Array(STEPS).keys()]);
      expect(trainer.text()).toContain('attempt 1: started');
      expect(trainer.text()).not.toMatch(/lease lost|not held by this worker/);
    } finally {
      trainer.kill('SIGKILL');
    }
  }, 240_000);
});
