import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleArtifactUpload } from '../../artifacts/artifact-http';
import { createTestApi, type TestApi } from '../../testing';
import type { ImportRunInput } from './import.schema';

const started = new Date('2026-11-23T10:00:00Z');
const finished = new Date('2026-11-23T10:05:00Z');

function imported(overrides: Partial<ImportRunInput> = {}) {
  return {
    method: 'smoke',
    name: 'laptop-smoke',
    tags: ['study:quick', 'cell:smoke-s0'],
    config: { kind: 'smoke' as const },
    importedFrom: 'cli@laptop',
    importKey: 'a'.repeat(64),
    startedAt: started,
    finishedAt: finished,
    stages: [
      { kind: 'pretext' as const, status: 'skipped' as const },
      { kind: 'eval' as const, startedAt: new Date('2026-11-23T10:01:00Z'), finishedAt: finished },
    ],
    evalResults: [
      { protocol: 'linear' as const, layer: 'conv1', dataset: 'test', metric: 'top1', value: 0.31 },
      { protocol: 'linear' as const, layer: 'conv2', dataset: 'test', metric: 'top1', value: 0.35 },
    ],
    ...overrides,
  };
}

describe('runs.import', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('creates a succeeded run with its stages, eval results and where it came from', async () => {
    const result = await api.user.runs.import(imported());
    expect(result).toMatchObject({ name: 'laptop-smoke', created: true, deleted: false });
    const run = await api.user.runs.get({ id: result.id });
    expect(run).toMatchObject({ status: 'succeeded', method: 'smoke', importedFrom: 'cli@laptop', claimedById: null, attempt: 0 });
    expect(run.startedAt).toEqual(started);
    expect(run.finishedAt).toEqual(finished);
    expect(run.tags).toEqual(['study:quick', 'cell:smoke-s0']);
    expect(run.stages.map((s) => [s.kind, s.ordinal, s.status, s.progress])).toEqual([['pretext', 0, 'skipped', 0], ['eval', 5, 'succeeded', 1]]);
    expect(run.stages[1]!.startedAt).toEqual(new Date('2026-11-23T10:01:00Z'));
    expect(run.evalResults.map((r) => [r.layer, r.value])).toEqual([['conv1', 0.31], ['conv2', 0.35]]);

    const listed = await api.user.runs.list({ tags: ['cell:smoke-s0'] });
    expect(listed.runs.map((r) => [r.id, r.status, r.importedFrom])).toEqual([[result.id, 'succeeded', 'cli@laptop']]);
  });

  it('returns the run published before for the same import key, and creates one per key', async () => {
    const first = await api.user.runs.import(imported());
    const again = await api.user.runs.import(imported({ name: 'renamed', evalResults: [] }));
    expect(again).toEqual({ id: first.id, name: 'laptop-smoke', created: false, deleted: false });
    const concurrent = await Promise.all([1, 2, 3].map(() => api.user.runs.import(imported({ importKey: 'b'.repeat(64) }))));
    expect(new Set(concurrent.map((r) => r.id)).size).toBe(1);
    expect(concurrent.filter((r) => r.created)).toHaveLength(1);
    expect(await api.db.run.count()).toBe(2);
    expect(await api.db.evalResult.count({ where: { runId: first.id } })).toBe(2);

    await api.user.runs.delete({ ids: [first.id] });
    expect(await api.user.runs.import(imported())).toMatchObject({ id: first.id, created: false, deleted: true });
  });

  it('keys are per project: the same key in another project is another run', async () => {
    const other = await api.newUser('Both', { projects: ['default', 'other'], role: 'member' });
    const inDefault = await other.caller.runs.import(imported());
    const inOther = await other.caller.runs.import(imported({ projectSlug: 'other' }));
    expect(inOther.id).not.toBe(inDefault.id);
    expect(inOther.created).toBe(true);
  });

  it('refuses a user who is not a member of the project', async () => {
    const outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
    await expect(outsider.caller.runs.import(imported())).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'you are not a member of project default' });
    await expect(api.anonymous.runs.import(imported())).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await api.db.run.count()).toBe(0);
  });

  it('rejects an invalid config, and inconsistent times, with field-level messages', async () => {
    const error = await api.user.runs
      .import(imported({ method: 'cc-jigsaw++', config: { kind: 'pipeline', data: { path: '' }, clustering: { k: 0 } } as never }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    const issues = (error as { cause: { issues: { path: (string | number)[] }[] } }).cause.issues;
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['config.clustering.k', 'config.data.path']);

    const times = await api.user.runs.import(imported({ finishedAt: new Date(started.getTime() - 1) })).catch((e: unknown) => e);
    expect((times as { cause: { issues: { path: (string | number)[]; message: string }[] } }).cause.issues).toEqual([
      expect.objectContaining({ path: ['finishedAt'], message: 'finishedAt is before startedAt' }),
    ]);
    const twice = await api.user.runs
      .import(imported({ evalResults: [imported().evalResults[0]!, imported().evalResults[0]!] }))
      .catch((e: unknown) => e);
    expect((twice as { cause: { issues: { path: (string | number)[] }[] } }).cause.issues.map((i) => i.path.join('.'))).toEqual(['evalResults.1']);
    expect(await api.db.run.count()).toBe(0);
  });

  it('is never claimed by a worker', async () => {
    await api.user.runs.import(imported());
    const worker = await api.newWorker('importer-check');
    expect(await worker.caller.worker.claim({ workerId: worker.workerId })).toBeNull();
    const queued = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    expect((await worker.caller.worker.claim({ workerId: worker.workerId }))?.id).toBe(queued.id);
    expect((await api.db.run.findFirst({ where: { importKey: { not: null } } }))?.status).toBe('succeeded');
  });

  it('lets a project member upload the figures of an imported run through the artifacts route, and nothing else', async () => {
    const artifacts = mkdtempSync(join(tmpdir(), 'ktlab-import-artifacts-'));
    process.env.KTLAB_ARTIFACTS = artifacts;
    try {
      const put = (runId: string, name: string, cookie: string | undefined, kind = 'figure', origin?: string) =>
        handleArtifactUpload(
          new Request(`http://portal/api/artifacts/${runId}/${name}?kind=${kind}`, {
            method: 'PUT',
            headers: { ...(cookie ? { cookie } : {}), ...(origin ? { origin } : {}) },
            body: new Uint8Array([137, 80, 78, 71]),
          }),
          { db: api.db, events: api.events },
          runId,
          name,
        );
      const run = await api.user.runs.import(imported());
      const member = await api.newUser('Member', { projects: ['default'], role: 'member' });
      const outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
      const launched = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });

      expect((await put(run.id, 'conv1-filters.png', undefined)).status).toBe(401);
      expect((await put(run.id, 'conv1-filters.png', outsider.cookie)).status).toBe(404);
      expect((await put(run.id, 'results.json', member.cookie, 'eval-table')).status).toBe(403);
      expect((await put(launched.id, 'conv1-filters.png', member.cookie)).status).toBe(403);
      expect((await put(run.id, '..secret', member.cookie)).status).toBe(400);
      expect((await put(run.id, 'conv1-filters.png', member.cookie, 'figure', 'http://evil.example')).status).toBe(403); // forged from another site
      expect((await put(run.id, 'conv1-filters.png', member.cookie)).status).toBe(200);
      expect((await put(run.id, 'clusters-summary.json', member.cookie, 'clusters')).status).toBe(200);
      expect((await put(run.id, 'ckpt-x', member.cookie, 'checkpoint')).status).toBe(403);
      const stored = await api.user.runs.get({ id: run.id });
      expect(stored.artifacts.map((a) => [a.name, a.kind, a.bytes]).sort()).toEqual([
        ['clusters-summary.json', 'clusters', 4],
        ['conv1-filters.png', 'figure', 4],
      ]);
    } finally {
      delete process.env.KTLAB_ARTIFACTS;
      rmSync(artifacts, { recursive: true, force: true });
    }
  });
});
