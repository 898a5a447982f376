import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { handleArtifactDownload, handleArtifactUpload } from './artifact-http';
import { readArtifact, storeArtifact } from './artifact-store';

describe('artifacts over HTTP', () => {
  let api: TestApi;
  beforeEach(async () => {
    process.env.KTLAB_ARTIFACTS = mkdtempSync(join(tmpdir(), 'ktlab-artifacts-'));
    api = await createTestApi();
  });
  afterEach(() => api.close());

  const put = (runId: string, name: string, secret: string | undefined, body: Uint8Array<ArrayBuffer>) =>
    handleArtifactUpload(
      new Request(`http://portal/api/artifacts/${runId}/${name}?kind=figure`, {
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

  it('refuses to serve a file that no longer matches its sha256', async () => {
    const stored = await storeArtifact('run1', 'results.json', new TextEncoder().encode('{"a":1}'));
    await expect(readArtifact(stored.uri, stored.sha256)).resolves.toBeInstanceOf(Buffer);
    await storeArtifact('run1', 'results.json', new TextEncoder().encode('{"a":2}'));
    await expect(readArtifact(stored.uri, stored.sha256)).rejects.toThrow(/sha256 mismatch/);
  });
});
