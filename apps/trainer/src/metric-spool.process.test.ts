/**
 * The on-disk metric buffer with real processes: a trainer streams metrics, the portal goes down, the trainer
 * spools what it cannot send and is then SIGKILLed; the portal comes back and the trainer is started again
 * on the same machine (same name, same state folder): it replays the spool, and every point logged before
 * the kill is stored exactly once.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkerToken, startApiServer, storedMetricPoints } from '@ktlab/api';
import { createTestApi, type TestApi } from '@ktlab/api/testing';
import { exited, spawnTrainer, waitFor, type TrainerProcess } from './test-support';

// the killed trainer's run must still be held by its worker when the restarted one replays (a loaded machine
// may take a while to start it)
process.env.KTLAB_LEASE_MS = '180000';

describe('metric spool across a trainer restart', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('portal down, points spooled, trainer SIGKILLed and restarted, portal back: every point stored once', async () => {
    const deps = { db: api.db, events: api.events };
    let portal = await startApiServer(deps);
    const port = Number(new URL(portal.url).port);
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke', steps: 5000, batchSize: 4, stepDelayMs: 5, seed: 5 } });
    const { secret } = await createWorkerToken(api.db, 'spool-restart');
    const home = mkdtempSync(join(tmpdir(), 'ktlab-spool-home-'));
    const spoolDir = join(home, 'metrics-spool', run.id);
    const spooled = () =>
      existsSync(spoolDir)
        ? readdirSync(spoolDir).flatMap((file) =>
            readFileSync(join(spoolDir, file), 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((line) => JSON.parse(line) as { k: string; s: number }),
          )
        : [];
    let first: TrainerProcess | undefined;
    let second: TrainerProcess | undefined;
    try {
      first = spawnTrainer(portal.url, secret, 'spooler', { KTLAB_HOME: home });
      await waitFor(async () => (await storedMetricPoints(api.db, { runIds: [run.id] })).length > 0, 180_000, 'first metrics');
      await portal.close();
      // the smoke job soon waits for its (awaited) progress report, so only its last points reach the disk
      await waitFor(async () => spooled().length > 0, 60_000, 'points spooled to disk');
      first.kill('SIGKILL');
      await exited(first);
      const onDisk = spooled();
      // the last step each key reached before the kill, on the portal or on disk (a kill may fall between a
      // step's two points)
      const stored = await storedMetricPoints(api.db, { runIds: [run.id] });
      const lastStep = (key: string) => Math.max(-1, ...[...onDisk.filter((p) => p.k === key).map((p) => p.s), ...stored.filter((p) => p.key === key).map((p) => p.step)]);
      expect(stored.length).toBeLessThan(lastStep('train/loss') + 1 + lastStep('train/accuracy') + 1); // some points exist only on disk
      expect(first.text()).toMatch(/metrics: portal unreachable .* spooling \d+ point\(s\) to disk/);

      portal = await startApiServer(deps, port);
      second = spawnTrainer(portal.url, secret, 'spooler', { KTLAB_HOME: home, KTLAB_EXIT_WHEN_IDLE: '1' });
      expect(await exited(second), second.text()).toBe(0);
      expect(second.text()).toMatch(new RegExp(`metrics: replayed ${onDisk.length} spooled point\\(s\\) of run ${run.id}`));
      expect(existsSync(spoolDir)).toBe(false);

      for (const key of ['train/loss', 'train/accuracy']) {
        const steps = (await storedMetricPoints(api.db, { runIds: [run.id], key })).map((p) => p.step);
        expect(steps).toEqual([...Array(lastStep(key) + 1).keys()]);
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- first ---\n${first?.text() ?? ''}\n--- second ---\n${second?.text() ?? ''}`);
    } finally {
      first?.kill('SIGKILL');
      second?.kill('SIGKILL');
      await portal.close();
    }
  }, 400_000);
});
