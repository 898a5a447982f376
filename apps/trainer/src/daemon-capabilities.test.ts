/**
 * A spawned trainer reports its capabilities when it registers, and the portal then keeps from it the runs it
 * cannot execute.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createWorkerToken } from '@ktlab/api';
import { exited, spawnTrainer, useTestPortal } from './test-support';

describe('trainer capabilities', () => {
  const portal = useTestPortal();

  it('registers this machine\'s capabilities and leaves a GPU run queued on a CPU backend', async () => {
    const smoke = { kind: 'smoke' as const, steps: 2, batchSize: 8, stepDelayMs: 0 };
    const gpuRun = await portal.api.user.runs.create({ method: 'smoke', config: { ...smoke, requirements: { accelerator: 'gpu' } } });
    const anyRun = await portal.api.user.runs.create({ method: 'smoke', config: smoke });
    const { secret } = await createWorkerToken(portal.api.db, 'capabilities');
    const trainer = spawnTrainer(portal.url, secret, 'caps', { KTLAB_EXIT_WHEN_IDLE: '1', KTLAB_BACKEND: 'ktlab-wasm' });
    expect(await exited(trainer), trainer.output.join('')).toBe(0);

    const worker = await portal.api.db.worker.findFirstOrThrow({ where: { name: 'caps' } });
    expect(worker).toMatchObject({ backend: 'ktlab-wasm', accelerator: 'cpu', memoryBytes: BigInt(os.totalmem()) });
    expect(worker.cpuCores).toBeGreaterThanOrEqual(1);
    expect((await portal.api.db.run.findUniqueOrThrow({ where: { id: anyRun.id } })).status).toBe('succeeded');
    const waiting = await portal.api.user.runs.get({ id: gpuRun.id });
    expect(waiting.status).toBe('queued');
    expect(waiting.waitingFor).toBe('a GPU worker');
  }, 120_000);
});
