import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { handleArtifactDownload, handleArtifactUpload, handleRunFileDownload } from './artifact-http';
import { ArtifactTooLargeError, MAX_ARTIFACT_BYTES, openArtifactStream, readArtifact, storeArtifact } from './artifact-store';

describe('artifacts over HTTP', () => {
  let api: TestApi;
  beforeEach(async () => {
    process.env.KTLAB_ARTIFACTS = mkdtempSync(join(tmpdir(), 'ktlab-artifacts-'));
    api = await createTestApi();
  });
  afterEach(() => api.close());

  const put = (runId: string, name: string, secret: string | undefined, body: Uint8Array<ArrayBuffer>, kind = 'figure') =>
    handleArtifactUpload(
      new Request(`http://portal/api/artifacts/${runId}/${name}?kind=${kind}`, {
        method: 'PUT',
        headers: secret ? { authorization: `Bearer ${secret}` } : {},
        body,
      }),
      { db: api.db, events: api.events },
      runId,
      name,
    );
  const get = (id: string, cookie?: string) =>
    handleArtifactDownload(new Request(`http://portal/api/artifacts/${id}`, { headers: cookie ? { cookie } : {} }), { db: api.db, events: api.events }, id);

  it('stores an upload from the worker holding the run and serves it to project members only', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await api.newWorker('w');
    await worker.caller.worker.claim({ workerId: worker.workerId });
    const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    expect((await put(run.id, 'conv1-filters.png', undefined, png)).status).toBe(401);
    expect((await put(run.id, '..secret', worker.secret, png)).status).toBe(400);
    const other = await api.newWorker('other');
    expect((await put(run.id, 'x.png', other.secret, png)).status).toBe(409);
    const uploaded = await put(run.id, 'conv1-filters.png', worker.secret, png);
    expect(uploaded.status).toBe(200);
    const { id } = (await uploaded.json()) as { id: string };

    const owner = await api.user.runs.get({ id: run.id });
    expect(owner.artifacts.map((a) => a.name)).toEqual(['conv1-filters.png']);
    const member = await api.newUser('member', { projects: ['default'], role: 'member' });
    const download = await get(id, member.cookie);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);
    const outsider = await api.newUser('outsider', { projects: [] });
    expect((await get(id, outsider.cookie)).status).toBe(404);
    expect((await get(id)).status).toBe(401);
  });

  it('streams a run file to members with its length, type and file name; others and unknown ids get 404', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await api.newWorker('w');
    await worker.caller.worker.claim({ workerId: worker.workerId });
    // a float32 .npy of 3 x 2 sent as a stream in two chunks, as the worker sends files from its run folder
    const npy = new Uint8Array(200).map((_, i) => i);
    const chunks = [npy.slice(0, 120), npy.slice(120)];
    const body = new ReadableStream<Uint8Array>({ start(controller) { for (const chunk of chunks) controller.enqueue(chunk); controller.close(); } });
    const uploaded = await handleArtifactUpload(
      new Request(`http://portal/api/artifacts/${run.id}/features-clustering.npy?kind=features`, { method: 'PUT', headers: { authorization: `Bearer ${worker.secret}` }, body, duplex: 'half' } as RequestInit),
      { db: api.db, events: api.events },
      run.id,
      'features-clustering.npy',
    );
    expect(uploaded.status).toBe(200);
    const { id, bytes } = (await uploaded.json()) as { id: string; bytes: number };
    expect(bytes).toBe(200);
    expect((await api.user.runs.get({ id: run.id })).artifacts).toMatchObject([{ name: 'features-clustering.npy', kind: 'features', bytes: 200 }]);

    const member = await api.newUser('member', { projects: ['default'], role: 'member' });
    const download = await get(id, member.cookie);
    expect(download.status).toBe(200);
    expect(download.body).toBeInstanceOf(ReadableStream);
    expect(download.headers.get('content-length')).toBe('200');
    expect(download.headers.get('content-type')).toBe('application/x-npy');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="features-clustering.npy"');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(npy);

    const outsider = await api.newUser('outsider', { projects: [] });
    expect((await get(id, outsider.cookie)).status).toBe(404);
    expect((await get('no-such-artifact', member.cookie)).status).toBe(404);
    expect((await get(id)).status).toBe(401);
    // worker-only files are not downloads
    expect((await put(run.id, 'shard-features-0.npy', worker.secret, npy, 'shard')).status).toBe(200);
    const shard = await api.db.artifact.findUniqueOrThrow({ where: { runId_name: { runId: run.id, name: 'shard-features-0.npy' } } });
    expect((await get(shard.id, member.cookie)).status).toBe(404);
    expect((await api.user.runs.get({ id: run.id })).artifacts.map((a) => a.name)).toEqual(['features-clustering.npy']);
  });

  it('refuses uploads over their kind\'s limit, by declared length or as the stream arrives, leaving nothing', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await api.newWorker('w');
    await worker.caller.worker.claim({ workerId: worker.workerId });
    const declared = await handleArtifactUpload(
      new Request(`http://portal/api/artifacts/${run.id}/results.json?kind=eval-table`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${worker.secret}`, 'content-length': String(MAX_ARTIFACT_BYTES + 1) },
      }),
      { db: api.db, events: api.events },
      run.id,
      'results.json',
    );
    expect(declared.status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({ start(controller) { controller.enqueue(new Uint8Array(6)); controller.enqueue(new Uint8Array(6)); controller.close(); } });
    await expect(storeArtifact(run.id, 'big.npy', stream, 10)).rejects.toBeInstanceOf(ArtifactTooLargeError);
    expect(readdirSync(join(process.env.KTLAB_ARTIFACTS!, run.id))).toEqual([]);
    expect(await api.db.artifact.count({ where: { runId: run.id } })).toBe(0);
  });

  it('a streamed download of a file that no longer matches its sha256 fails instead of completing', async () => {
    const stored = await storeArtifact('run1', 'eval.csv', new TextEncoder().encode('a,b\n'));
    await storeArtifact('run1', 'eval.csv', new TextEncoder().encode('a,c\n'));
    const { stream, bytes } = await openArtifactStream(stored.uri, stored.sha256);
    expect(bytes).toBe(4);
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow(/sha256 mismatch/);
  });

  it('refuses to serve a file that no longer matches its sha256', async () => {
    const stored = await storeArtifact('run1', 'results.json', new TextEncoder().encode('{"a":1}'));
    await expect(readArtifact(stored.uri, stored.sha256)).resolves.toBeInstanceOf(Buffer);
    await storeArtifact('run1', 'results.json', new TextEncoder().encode('{"a":2}'));
    await expect(readArtifact(stored.uri, stored.sha256)).rejects.toThrow(/sha256 mismatch/);
  });

  it('a failed write answers an error naming the file, records nothing, leaves no partial file', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await api.newWorker('w');
    await worker.caller.worker.claim({ workerId: worker.workerId });
    // the run's artifact folder cannot be created: a file stands where it should be
    writeFileSync(join(process.env.KTLAB_ARTIFACTS!, run.id), 'not a folder');
    const refused = await put(run.id, 'conv1-filters.png', worker.secret, new Uint8Array([1, 2, 3]));
    expect(refused.status).toBe(507);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/could not store artifact conv1-filters.png/);
    expect(await api.db.artifact.count({ where: { runId: run.id } })).toBe(0);

    // the rename over the target fails after the data was written: the temporary file is removed
    const root = mkdtempSync(join(tmpdir(), 'ktlab-artifacts-'));
    process.env.KTLAB_ARTIFACTS = root;
    mkdirSync(join(root, run.id, 'results.json'), { recursive: true });
    writeFileSync(join(root, run.id, 'results.json', 'occupied'), 'x');
    await expect(storeArtifact(run.id, 'results.json', new Uint8Array(10))).rejects.toThrow();
    expect(readdirSync(join(root, run.id))).toEqual(['results.json']);

    // a folder the portal may not write to (root could write anyway)
    if (process.getuid?.() !== 0) {
      const readOnly = join(root, 'read-only');
      mkdirSync(join(readOnly, run.id), { recursive: true });
      chmodSync(join(readOnly, run.id), 0o500);
      process.env.KTLAB_ARTIFACTS = readOnly;
      expect((await put(run.id, 'x.png', worker.secret, new Uint8Array([1]))).status).toBe(507);
      expect(readdirSync(join(readOnly, run.id))).toEqual([]);
    }
    expect(await api.db.artifact.count({ where: { runId: run.id } })).toBe(0);
  });

  it('serves checkpoint files only to a worker of the token holding the run, and only checkpoint files', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const other = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const holder = await api.newWorker('holder');
    const stranger = await api.newWorker('stranger');
    await holder.caller.worker.claim({ workerId: holder.workerId });
    await stranger.caller.worker.claim({ workerId: stranger.workerId });
    const blob = new Uint8Array([9, 8, 7]);
    expect((await put(run.id, 'ckpt-abc', holder.secret, blob, 'checkpoint')).status).toBe(200);
    expect((await put(run.id, 'figure.png', holder.secret, blob)).status).toBe(200);
    const read = (runId: string, name: string, secret?: string) =>
      handleRunFileDownload(
        new Request(`http://portal/api/artifacts/${runId}/${name}`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} }),
        { db: api.db, events: api.events },
        runId,
        name,
      );
    const ok = await read(run.id, 'ckpt-abc', holder.secret);
    expect(ok.status).toBe(200);
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(blob);
    expect((await read(run.id, 'ckpt-abc')).status).toBe(401);
    expect((await read(run.id, 'ckpt-abc', stranger.secret)).status).toBe(404); // holds another run
    expect((await read(other.id, 'ckpt-abc', holder.secret)).status).toBe(404);
    expect((await read(run.id, 'figure.png', holder.secret)).status).toBe(404); // not a checkpoint
    expect((await read(run.id, 'ckpt-missing', holder.secret)).status).toBe(404);
    // once the run is handed back, the worker's token reads nothing of it
    await holder.caller.worker.finish({ outcome: 'released', workerId: holder.workerId, runId: run.id });
    expect((await read(run.id, 'ckpt-abc', holder.secret)).status).toBe(404);
    // members see the figure, not the checkpoint files
    expect((await api.user.runs.get({ id: run.id })).artifacts.map((a) => a.name)).toEqual(['figure.png']);
  });

  it('lets a worker executing one of a run\'s shards read and write that run\'s shard files, and nothing else', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const holder = await api.newWorker('holder');
    const helper = await api.newWorker('helper');
    const idle = await api.newWorker('idle');
    await holder.caller.worker.claim({ workerId: holder.workerId });
    const read = (name: string, secret: string) =>
      handleRunFileDownload(new Request(`http://portal/api/artifacts/${run.id}/${name}`, { headers: { authorization: `Bearer ${secret}` } }), { db: api.db, events: api.events }, run.id, name);
    const features = new Uint8Array([1, 2, 3, 4]);
    expect((await put(run.id, 'shard-features-0.npy', holder.secret, features, 'shard')).status).toBe(200);
    expect((await put(run.id, 'ckpt-abc', holder.secret, features, 'checkpoint')).status).toBe(200);
    expect((await read('shard-features-0.npy', helper.secret)).status).toBe(404); // no shard of this run yet
    expect((await put(run.id, 'shard-partial-0.bin', helper.secret, features, 'shard')).status).toBe(409);

    await holder.caller.shards.enqueue({ workerId: holder.workerId, runId: run.id, kind: 'kmeans-map', iteration: 1, shards: [{ shard: 0, input: {} }] });
    const task = await helper.caller.shards.claim({ workerId: helper.workerId });
    const got = await read('shard-features-0.npy', helper.secret);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(features);
    expect((await read('ckpt-abc', helper.secret)).status).toBe(404); // checkpoints stay the holder's
    expect((await read('shard-features-0.npy', idle.secret)).status).toBe(404);
    expect((await put(run.id, 'shard-partial-0.bin', helper.secret, features, 'shard')).status).toBe(200);
    expect((await put(run.id, 'figure.png', helper.secret, features)).status).toBe(409); // only shard files
    expect((await read('shard-partial-0.bin', holder.secret)).status).toBe(200);

    await helper.caller.shards.finish({ outcome: 'succeeded', workerId: helper.workerId, taskId: task!.id, output: 'shard-partial-0.bin' });
    expect((await read('shard-features-0.npy', helper.secret)).status).toBe(404); // its shard is done
  });

  it('deletes the checkpoint blobs a new manifest no longer names', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    const worker = await api.newWorker('gc');
    await worker.caller.worker.claim({ workerId: worker.workerId });
    const blob = (sha: string) => `ckpt-${sha.repeat(64)}`;
    for (const sha of ['a', 'b', 'c']) expect((await put(run.id, blob(sha), worker.secret, new Uint8Array([1]), 'checkpoint')).status).toBe(200);
    const manifest = (chunks: string[]) =>
      new TextEncoder().encode(JSON.stringify({ version: 1, seq: 1, files: [{ path: 'stages/x.json', bytes: 1, sha256: 'a'.repeat(64), chunks }] }));
    expect((await put(run.id, 'checkpoint-manifest.json', worker.secret, manifest(['a'.repeat(64), 'c'.repeat(64)]), 'checkpoint')).status).toBe(200);
    const names = async () => (await api.db.artifact.findMany({ where: { runId: run.id } })).map((a) => a.name).sort();
    expect(await names()).toEqual([blob('a'), blob('c'), 'checkpoint-manifest.json'].sort());
    expect(readdirSync(join(process.env.KTLAB_ARTIFACTS!, run.id)).sort()).toEqual([blob('a'), blob('c'), 'checkpoint-manifest.json'].sort());
    // an unreadable manifest deletes nothing
    expect((await put(run.id, 'checkpoint-manifest.json', worker.secret, new TextEncoder().encode('{oops'), 'checkpoint')).status).toBe(200);
    expect((await names()).length).toBe(3);
  });
});
