/** The trainer's artifact upload against the real API: a portal that cannot store the file fails it at once, clearly. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
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

  it('streams a file from disk with its length; an upload of the same name replaces it; one larger than its kind allows is refused at once with 413', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ktlab-upload-file-'));
    process.env.KTLAB_ARTIFACTS = join(root, 'store');
    await portal.api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await portal.api.newWorker('file-uploader');
    // the queue's oldest run (the one the test above handed back, perhaps): whichever this worker now holds
    const run = (await worker.caller.worker.claim({ workerId: worker.workerId }))!;
    const upload = createArtifactUploader(portal.url, worker.secret);
    const file = join(root, 'clustering.npy');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(file, bytes);
    await upload(run.id, 'features', 'features-clustering.npy', { file });
    const stored = await portal.api.db.artifact.findMany({ where: { runId: run.id, kind: 'features' } });
    expect(stored.map((row) => [row.name, row.kind, Number(row.bytes), row.sha256])).toEqual([
      ['features-clustering.npy', 'features', bytes.length, createHash('sha256').update(bytes).digest('hex')],
    ]);

    // a member downloads it from the run page's link
    const member = await portal.api.newUser('file downloader', { projects: ['default'], role: 'member' });
    const download = await fetch(`${portal.url}/api/artifacts/${stored[0].id}`, { headers: { cookie: member.cookie } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="features-clustering.npy"');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);

    // sent again (a resumed attempt): still one file of that name, now the new bytes
    writeFileSync(file, bytes.subarray(0, 1000));
    await upload(run.id, 'features', 'features-clustering.npy', { file });
    const replaced = await portal.api.db.artifact.findMany({ where: { runId: run.id, kind: 'features' } });
    expect(replaced.map((row) => [row.name, Number(row.bytes)])).toEqual([['features-clustering.npy', 1000]]);

    // an evaluation table over 64 MiB: the declared length is refused before the body is read, and not retried
    const large = join(root, 'large.csv');
    writeFileSync(large, '');
    truncateSync(large, 64 * 1024 * 1024 + 1);
    const started = Date.now();
    const refused = await upload(run.id, 'eval-table', 'eval.csv', { file: large }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Error);
    expect(refused).toMatchObject({ status: 413, message: expect.stringMatching(/artifact eval\.csv: HTTP 413 .*limited to 67108864 bytes/) });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await portal.api.db.artifact.count({ where: { runId: run.id, name: 'eval.csv' } })).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });
});
