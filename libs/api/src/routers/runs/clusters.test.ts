import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { storeArtifact } from '../../artifacts/artifact-store';
import { createTestApi, type TestApi } from '../../testing';

/** A summary as libs/pipeline writes it: 5 clusters of sizes 9..1, 2 per sprite page. */
function summary() {
  const clusters = [9, 7, 5, 2, 1].map((size, index) => ({
    id: 10 + index,
    size,
    nearest: [`img-${index}-a.jpg`, `img-${index}-b.jpg`],
    sprite: Math.floor(index / 2),
    row: index % 2,
    majorityClass: ['cat', 'dog', 'ship', 'cat', 'dog'][index],
    majorityShare: 0.5,
  }));
  return {
    format: 'ktlab.clusters',
    version: 1,
    k: 6,
    images: 24,
    used: 5,
    sizeStats: { min: 0, median: 3.5, max: 9, imbalance: 1.9, empty: 1 },
    agreement: { nmi: 0.41, ari: 0.22, purity: 0.63 },
    thumbSize: 32,
    perCluster: 2,
    clustersPerSprite: 2,
    sprites: ['sprite-000.png', 'sprite-001.png', 'sprite-002.png'],
    clusters,
  };
}

describe('run clusters', () => {
  let api: TestApi;
  let artifacts: string;
  beforeAll(() => {
    artifacts = mkdtempSync(join(tmpdir(), 'ktlab-artifacts-'));
    process.env.KTLAB_ARTIFACTS = artifacts;
  });
  afterAll(() => {
    delete process.env.KTLAB_ARTIFACTS;
    rmSync(artifacts, { recursive: true, force: true });
  });
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  async function upload(runId: string, name: string, data: Uint8Array) {
    const stored = await storeArtifact(runId, name, data);
    return api.db.artifact.create({ data: { runId, name, kind: 'clusters', uri: stored.uri, bytes: BigInt(stored.bytes), sha256: stored.sha256 } });
  }

  it('pages clusters by size with their sprite artifacts, sizes for the histogram and the agreement', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    expect(await api.user.runs.clusters({ runId: run.id })).toEqual({ available: false });
    const sprites = [];
    for (const page of ['000', '001', '002']) sprites.push(await upload(run.id, `clusters-sprite-${page}.png`, new Uint8Array([page.length, 1, 2])));
    await upload(run.id, 'clusters-summary.json', new TextEncoder().encode(JSON.stringify(summary())));

    const first = await api.user.runs.clusters({ runId: run.id, pageSize: 2 });
    if (!first.available) throw new Error('expected a summary');
    expect(first).toMatchObject({ k: 6, used: 5, images: 24, pages: 3, labeled: true, agreement: { nmi: 0.41, ari: 0.22, purity: 0.63 } });
    expect(first.sizes).toEqual([9, 7, 5, 2, 1]);
    expect(first.clusters.map((c) => [c.rank, c.id, c.size, c.row, c.spriteArtifactId])).toEqual([
      [1, 10, 9, 0, sprites[0].id],
      [2, 11, 7, 1, sprites[0].id],
    ]);
    const last = await api.user.runs.clusters({ runId: run.id, pageSize: 2, page: 2 });
    expect(last.available && last.clusters.map((c) => [c.rank, c.id, c.majorityClass, c.spriteArtifactId])).toEqual([[5, 14, 'dog', sprites[2].id]]);

    const outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
    await expect(outsider.caller.runs.clusters({ runId: run.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports a summary that does not match the format instead of showing part of it', async () => {
    const run = await api.user.runs.create({ method: 'smoke', config: { kind: 'smoke' } });
    await upload(run.id, 'clusters-summary.json', new TextEncoder().encode(JSON.stringify({ ...summary(), version: 7 })));
    await expect(api.user.runs.clusters({ runId: run.id })).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR', message: expect.stringContaining('not a valid cluster summary') });
  });
});
