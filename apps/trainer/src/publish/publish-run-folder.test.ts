import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '@ktlab/api/testing';
import { writeRunManifest } from '@ktlab/publish';
import { useTestPortal } from '../test-support';
import { publishRunFolder } from './publish-run-folder';

const portal = useTestPortal();
const root = mkdtempSync(join(tmpdir(), 'ktlab-cli-publish-'));
// the in-process portal stores uploaded figures here
process.env.KTLAB_ARTIFACTS = join(root, 'artifacts');
afterAll(() => {
  delete process.env.KTLAB_ARTIFACTS;
  rmSync(root, { recursive: true, force: true });
});

const results = [
  { protocol: 'linear', layer: 'conv1', dataset: 'cifar10/test', metric: 'top1', value: 0.42 },
  { protocol: 'knn', layer: 'conv5', dataset: 'cifar10/test', metric: 'top1', value: 0.37 },
];

/** A finished `ktlab run` folder: config, results, a stage record and (optionally) run.json. */
function runFolder(name: string, manifest: boolean): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'stages'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ kind: 'smoke', seed: 3 }));
  writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
  writeFileSync(join(dir, 'stages', 'eval.json'), JSON.stringify({ kind: 'eval', finishedAt: '2026-11-23T09:20:00.000Z', files: [], outputs: {} }));
  mkdirSync(join(dir, 'figures'));
  writeFileSync(join(dir, 'figures', 'conv1-filters.png'), new Uint8Array([137, 80, 78, 71, 1]));
  writeFileSync(join(dir, 'figures', 'notes.txt'), 'not a figure');
  mkdirSync(join(dir, 'clusters'));
  writeFileSync(join(dir, 'clusters', 'sprite-000.png'), new Uint8Array([137, 80, 78, 71, 3]));
  writeFileSync(join(dir, 'clusters', 'summary.json'), '{}');
  if (manifest) {
    writeRunManifest(dir, { version: 1, preset: 'smoke', seed: 3, quick: true, host: 'laptop', startedAt: '2026-11-23T09:00:00.000Z', finishedAt: '2026-11-23T09:21:00.000Z', stageSeconds: { eval: 300 } });
  }
  return dir;
}

describe('ktlab publish', () => {
  const credentials = () => ({ portalUrl: portal.url, email: 'default-owner@test.ktlab', password: TEST_PASSWORD });

  it('publishes a finished CLI run with its results and times, once', async () => {
    const runDir = runFolder('local-smoke-3-quick', true);
    const run = await publishRunFolder({ runDir, ...credentials(), tags: ['laptop'] });
    expect(run).toMatchObject({ name: 'local-smoke-3-quick', created: true, url: `${portal.url}/runs/${run.id}`, files: ['conv1-filters.png', 'clusters-sprite-000.png', 'clusters-summary.json'] });
    const stored = await portal.api.user.runs.get({ id: run.id });
    expect(stored).toMatchObject({ status: 'succeeded', method: 'smoke', importedFrom: 'cli@laptop', tags: ['laptop'] });
    expect(stored.startedAt).toEqual(new Date('2026-11-23T09:00:00Z'));
    expect(stored.finishedAt).toEqual(new Date('2026-11-23T09:21:00Z'));
    expect(stored.stages.map((s) => [s.kind, s.startedAt?.toISOString()])).toEqual([['eval', '2026-11-23T09:15:00.000Z']]);
    expect(stored.evalResults.map((r) => [r.protocol, r.layer, r.value])).toEqual([['knn', 'conv5', 0.37], ['linear', 'conv1', 0.42]]);

    expect(stored.artifacts.map((a) => [a.name, a.kind, a.bytes]).sort()).toEqual([
      ['clusters-sprite-000.png', 'clusters', 5],
      ['clusters-summary.json', 'clusters', 2],
      ['conv1-filters.png', 'figure', 5],
    ]);

    const again = await publishRunFolder({ runDir, ...credentials() });
    expect(again).toMatchObject({ id: run.id, created: false, files: [] });
    // a figure the portal lacks (drawn later, or a failed upload) is sent on the next publish
    writeFileSync(join(runDir, 'figures', 'example-puzzles.png'), new Uint8Array([137, 80, 78, 71, 2]));
    expect((await publishRunFolder({ runDir, ...credentials() })).files).toEqual(['example-puzzles.png']);
    expect(await portal.api.db.run.count({ where: { importedFrom: 'cli@laptop' } })).toBe(1);
  });

  it('needs the method for a folder without run.json, and says which folder is not finished', async () => {
    const runDir = runFolder('older', false);
    await expect(publishRunFolder({ runDir, ...credentials() })).rejects.toThrow(/has no run.json naming its preset .* pass --method <preset>/);
    const run = await publishRunFolder({ runDir, ...credentials(), method: 'smoke', name: 'older run', host: 'desk' });
    expect(await portal.api.user.runs.get({ id: run.id })).toMatchObject({ name: 'older run', importedFrom: 'cli@desk', status: 'succeeded' });

    rmSync(join(runDir, 'results.json'));
    await expect(publishRunFolder({ runDir, ...credentials(), method: 'smoke' })).rejects.toThrow(/has no results.json: the run has not finished/);
  });

  it('refuses a project the user is not a member of, and a wrong password', async () => {
    const runDir = runFolder('elsewhere', true);
    await expect(publishRunFolder({ runDir, ...credentials(), projectSlug: 'secret' })).rejects.toThrow(/you are not a member of project secret/);
    await expect(publishRunFolder({ runDir, ...credentials(), password: 'nope' })).rejects.toThrow(/wrong email or password/);
  });
});
