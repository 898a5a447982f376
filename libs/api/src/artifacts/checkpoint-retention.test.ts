import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { handleArtifactUpload } from './artifact-http';
import { checkpointRetentionMs, pruneCheckpointCopies, pruneShardFiles } from './checkpoint-retention';

describe('checkpoint retention', () => {
  let api: TestApi;
  const saved = process.env.KTLAB_CHECKPOINT_RETENTION_HOURS;
  beforeEach(async () => {
    process.env.KTLAB_ARTIFACTS = mkdtempSync(join(tmpdir(), 'ktlab-retention-'));
    delete process.env.KTLAB_CHECKPOINT_RETENTION_HOURS;
    api = await createTestApi();
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.KTLAB_CHECKPOINT_RETENTION_HOURS;
    else process.env.KTLAB_CHECKPOINT_RETENTION_HOURS = saved;
    await api.close();
  });

  const put = (runId: string, name: string, secret: string, kind: string) =>
    handleArtifactUpload(
      new Request(`http://portal/api/artifacts/${runId}/${name}?kind=${kind}`, { method: 'PUT', headers: { authorization: `Bearer ${secret}` }, body: new Uint8Array([1, 2, 3]) }),
      { db: api.db, events: api.events },
      runId,
      name,
    );
  const files = (runId: string) => (existsSync(join(process.env.KTLAB_ARTIFACTS!, runId)) ? readdirSync(join(process.env.KTLAB_ARTIFACTS!, runId)).sort() : []);
  const rows = async (runId: string) => (await api.db.artifact.findMany({ where: { runId } })).map((a) => a.name).sort();

  /** A run executed by a worker that left a checkpoint copy and a figure, then ended with `outcome`. */
  async function finishedRun(name: string, outcome: 'succeeded' | 'failed' | 'cancelled' | 'released', options: { shardFile?: boolean } = {}) {
    const run = await api.user.runs.create({ method: 'smoke', name, config: { kind: 'smoke' } });
    const worker = await api.newWorker(`w-${name}`);
    expect((await worker.caller.worker.claim({ workerId: worker.workerId }))?.id).toBe(run.id);
    expect((await put(run.id, `ckpt-${'a'.repeat(64)}`, worker.secret, 'checkpoint')).status).toBe(200);
    expect((await put(run.id, 'checkpoint-manifest.json', worker.secret, 'checkpoint')).status).toBe(200);
    expect((await put(run.id, 'conv1-filters.png', worker.secret, 'figure')).status).toBe(200);
    if (options.shardFile) expect((await put(run.id, SHARD_FILE, worker.secret, 'shard')).status).toBe(200);
    const base = { workerId: worker.workerId, runId: run.id };
    if (outcome === 'succeeded') await worker.caller.worker.finish({ ...base, outcome, evalResults: [] });
    else if (outcome === 'failed') await worker.caller.worker.finish({ ...base, outcome, error: 'boom' });
    else await worker.caller.worker.finish({ ...base, outcome });
    return run.id;
  }
  const SHARD_FILE = 'shard-features-0.npy';
  const KEPT = ['checkpoint-manifest.json', `ckpt-${'a'.repeat(64)}`, 'conv1-filters.png'].sort();

  it('reads KTLAB_CHECKPOINT_RETENTION_HOURS: default 24 h, 0 = at once, nonsense refused', () => {
    expect(checkpointRetentionMs({})).toBe(24 * 3_600_000);
    expect(checkpointRetentionMs({ KTLAB_CHECKPOINT_RETENTION_HOURS: '0' })).toBe(0);
    expect(checkpointRetentionMs({ KTLAB_CHECKPOINT_RETENTION_HOURS: '1.5' })).toBe(5_400_000);
    expect(() => checkpointRetentionMs({ KTLAB_CHECKPOINT_RETENTION_HOURS: '-1' })).toThrow(/KTLAB_CHECKPOINT_RETENTION_HOURS must be a number of hours ≥ 0/);
    expect(() => checkpointRetentionMs({ KTLAB_CHECKPOINT_RETENTION_HOURS: 'soon' })).toThrow(/got "soon"/);
  });

  it('drops a succeeded run’s checkpoint copy after the retention period; failed, cancelled and re-queued runs keep theirs', async () => {
    const succeeded = await finishedRun('ok', 'succeeded');
    const failed = await finishedRun('bad', 'failed');
    const cancelled = await finishedRun('stop', 'cancelled');
    const requeued = await finishedRun('again', 'released');
    const finishedAt = (await api.db.run.findUniqueOrThrow({ where: { id: succeeded } })).finishedAt!;

    // within the period: nothing goes
    expect(await pruneCheckpointCopies(api.db, { now: new Date(finishedAt.getTime() + 23 * 3_600_000) })).toEqual({ runs: [], files: 0 });
    for (const id of [succeeded, failed, cancelled, requeued]) expect(files(id)).toEqual(KEPT);

    // after it: only the succeeded run's checkpoint files (rows and files); its figure stays
    const report = await pruneCheckpointCopies(api.db, { now: new Date(finishedAt.getTime() + 24 * 3_600_000 + 1) });
    expect(report).toEqual({ runs: [succeeded], files: 2 });
    expect(files(succeeded)).toEqual(['conv1-filters.png']);
    expect(await rows(succeeded)).toEqual(['conv1-filters.png']);
    for (const id of [failed, cancelled, requeued]) {
      expect(files(id)).toEqual(KEPT);
      expect(await rows(id)).toEqual(KEPT);
    }
    // a year later the failed and cancelled runs still have theirs (they can be inspected or resumed)
    expect((await pruneCheckpointCopies(api.db, { now: new Date(finishedAt.getTime() + 365 * 24 * 3_600_000) })).files).toBe(0);
  });

  it('with a retention of 0 the copy goes as the run succeeds', async () => {
    process.env.KTLAB_CHECKPOINT_RETENTION_HOURS = '0';
    const succeeded = await finishedRun('now', 'succeeded');
    const failed = await finishedRun('kept', 'failed');
    expect(files(succeeded)).toEqual(['conv1-filters.png']);
    expect(await rows(succeeded)).toEqual(['conv1-filters.png']);
    expect(files(failed)).toEqual(KEPT);
  });

  it('deleting a run deletes its checkpoint copy at once, whatever its outcome', async () => {
    const failed = await finishedRun('delete-me', 'failed');
    const other = await finishedRun('keep-me', 'cancelled');
    await api.user.runs.delete({ ids: [failed] });
    expect(files(failed)).toEqual(['conv1-filters.png']);
    expect(await rows(failed)).toEqual(['conv1-filters.png']);
    expect(files(other)).toEqual(KEPT);
    // a restored run comes back with its results, without checkpoints
    await api.user.runs.restore({ ids: [failed] });
    expect(await rows(failed)).toEqual(['conv1-filters.png']);
  });

  it('drops shard files as the run succeeds or is deleted; failed and cancelled runs keep them to resume from', async () => {
    const succeeded = await finishedRun('sharded-ok', 'succeeded', { shardFile: true });
    const failed = await finishedRun('sharded-bad', 'failed', { shardFile: true });
    const cancelled = await finishedRun('sharded-stop', 'cancelled', { shardFile: true });
    expect(files(succeeded)).toEqual(KEPT); // the checkpoint copy follows its own retention period
    expect(await rows(succeeded)).toEqual(KEPT);
    for (const id of [failed, cancelled]) expect(files(id)).toEqual([...KEPT, SHARD_FILE].sort());

    await api.user.runs.delete({ ids: [failed] });
    expect(files(failed)).toEqual(['conv1-filters.png']);
    expect(files(cancelled)).toEqual([...KEPT, SHARD_FILE].sort());

    // the periodic pass catches a succeeded run whose files outlived it (a portal stopped mid-finish)
    await api.db.run.update({ where: { id: cancelled }, data: { status: 'succeeded' } });
    expect(await pruneShardFiles(api.db)).toEqual({ runs: [cancelled], files: 1 });
    expect(files(cancelled)).toEqual(KEPT);
  });
});
