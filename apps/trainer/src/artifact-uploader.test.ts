/** The trainer's artifact upload against the real API: a portal that cannot store the file fails it at once, clearly. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createArtifactUploader, createCheckpointTransport } from './artifact-uploader';
import { useTestPortal } from './test-support';

describe('artifact uploader', () => {
  const portal = useTestPortal();

  it('uploads and reads back checkpoint files; a storage failure on the portal is final, named, and records nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ktlab-upload-'));
    process.env.KTLAB_ARTIFACTS = root;
    const run = await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await portal.api.newWorker('uploader');
    await worker.caller.worker.claim({ workerId: worker.workerId });
    const checkpoints = createCheckpointTransport(portal.url, worker.secret);
    await checkpoints.put(run.id, 'ckpt-1', new Uint8Array([1, 2, 3]));
    expect(await checkpoints.get(run.id, 'ckpt-1')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await checkpoints.get(run.id, 'ckpt-absent')).toBeUndefined();

    // the run's artifact folder cannot be created (a file is in the way): as a full disk, sending again will not help
    writeFileSync(join(root, 'blocked'), 'not a folder');
    process.env.KTLAB_ARTIFACTS = join(root, 'blocked');
    const started = Date.now();
    await expect(createArtifactUploader(portal.url, worker.secret)(run.id, 'figure', 'conv1-filters.png', new Uint8Array(10))).rejects.toThrow(
      /HTTP 507 .*could not store artifact conv1-filters\.png/,
    );
    expect(Date.now() - started).toBeLessThan(10_000); // no retry loop
    expect(await portal.api.db.artifact.count({ where: { runId: run.id, kind: 'figure' } })).toBe(0);

    // a run the worker no longer holds: reading its checkpoints is refused, not mistaken for "no checkpoint"
    process.env.KTLAB_ARTIFACTS = root;
    await worker.caller.worker.finish({ outcome: 'released', workerId: worker.workerId, runId: run.id });
    await expect(checkpoints.get(run.id, 'ckpt-1')).rejects.toThrow(/not held/);
  });
});
