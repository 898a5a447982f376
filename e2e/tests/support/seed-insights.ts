/**
 * Seeds for the cluster browser, the run log and stage ETAs: a finished k-means run whose cluster summary and
 * thumbnail sprites are stored as artifacts (as the trainer uploads them), built from real CIFAR-10 test images.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { sharedDir } from '@ktlab/config/paths';
import { e2eHome } from '../../state';
import { withClient } from './seed';

const artifactsDir = () => process.env.KTLAB_ARTIFACTS ?? join(process.env.KTLAB_HOME ?? e2eHome(), 'artifacts');
// KTLAB_SHARED, else ../shared beside the repository: the rule every test and benchmark follows.
export const CIFAR_TEST = join(sharedDir(), 'datasets', 'cifar10', 'test');

const id = (prefix: string) => `${prefix}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

interface SeedCluster {
  id: number;
  size: number;
  nearest: string[];
  sprite: number;
  row: number;
  majorityClass: string;
  majorityShare: number;
}

/**
 * A succeeded run with `k` clusters (sizes decreasing), each showing `perCluster` CIFAR test images mostly of
 * one class; `clustersPerSprite` clusters per sprite page, as libs/pipeline writes them.
 */
export async function seedClusterRun(name: string, options: { k?: number; perCluster?: number; clustersPerSprite?: number } = {}): Promise<string> {
  const { k = 60, perCluster = 8, clustersPerSprite = 25 } = options;
  const classes = readdirSync(CIFAR_TEST).sort();
  const files = Object.fromEntries(classes.map((cls) => [cls, readdirSync(join(CIFAR_TEST, cls)).sort()]));
  const thumb = 32;
  const clusters: SeedCluster[] = Array.from({ length: k }, (_, index) => {
    const cls = classes[index % classes.length];
    const other = classes[(index + 3) % classes.length];
    const nearest = Array.from({ length: perCluster }, (_, j) => {
      const source = j === perCluster - 1 && index % 3 === 0 ? other : cls;
      return `${source}/${files[source][(index * perCluster + j) % files[source].length]}`;
    });
    return { id: (index * 37) % k, size: Math.round(400 * Math.exp(-index / 18)) + 3, nearest, sprite: Math.floor(index / clustersPerSprite), row: index % clustersPerSprite, majorityClass: cls, majorityShare: 0.9 - (index % 5) * 0.1 };
  });
  const sprites: { name: string; data: Buffer }[] = [];
  for (let page = 0; page * clustersPerSprite < k; page++) {
    const rows = clusters.slice(page * clustersPerSprite, (page + 1) * clustersPerSprite);
    const composites = await Promise.all(
      rows.flatMap((cluster, row) =>
        cluster.nearest.map(async (file, column) => ({
          input: await sharp(join(CIFAR_TEST, file)).resize(thumb, thumb).removeAlpha().toBuffer(),
          left: column * thumb,
          top: row * thumb,
        })),
      ),
    );
    const data = await sharp({ create: { width: perCluster * thumb, height: rows.length * thumb, channels: 3, background: '#ffffff' } })
      .composite(composites)
      .png({ palette: true })
      .toBuffer();
    sprites.push({ name: `sprite-${String(page).padStart(3, '0')}.png`, data });
  }
  const sizes = clusters.map((c) => c.size).sort((a, b) => a - b);
  const images = sizes.reduce((a, b) => a + b, 0);
  const summary = {
    format: 'ktlab.clusters',
    version: 1,
    k: k + 4,
    images,
    used: k,
    sizeStats: { min: 0, median: sizes[Math.floor(k / 2)], max: sizes[k - 1], imbalance: 1.8, empty: 4 },
    agreement: { nmi: 0.412, ari: 0.187, purity: 0.534 },
    thumbSize: thumb,
    perCluster,
    clustersPerSprite,
    sprites: sprites.map((s) => s.name),
    clusters,
  };
  return withClient(async (client) => {
    const runId = id('e2ecl');
    await client.query(
      `INSERT INTO "Run" (id, "projectId", name, method, config, status, "createdAt", "startedAt", "finishedAt", tags)
       SELECT $1, id, $2, 'cc-jigsaw++', $3::jsonb, 'succeeded', now(), now() - interval '9 minutes', now(), ARRAY['e2e'] FROM "Project" WHERE slug = 'default'`,
      [runId, name, JSON.stringify({ kind: 'pipeline', seed: 0, data: { path: CIFAR_TEST } })],
    );
    await client.query(
      `INSERT INTO "Stage" (id, "runId", kind, ordinal, status, progress, "startedAt", "finishedAt") VALUES ($1, $2, 'kmeans', 2, 'succeeded', 1, now() - interval '5 minutes', now() - interval '4 minutes')`,
      [id('st'), runId],
    );
    const files = [...sprites.map((s) => ({ name: `clusters-${s.name}`, data: s.data })), { name: 'clusters-summary.json', data: Buffer.from(JSON.stringify(summary)) }];
    mkdirSync(join(artifactsDir(), runId), { recursive: true });
    for (const file of files) {
      writeFileSync(join(artifactsDir(), runId, file.name), file.data);
      await client.query(
        `INSERT INTO "Artifact" (id, "runId", kind, name, uri, bytes, sha256) VALUES ($1, $2, 'clusters', $3, $4, $5, $6)`,
        [id('ar'), runId, file.name, `${runId}/${file.name}`, file.data.byteLength, createHash('sha256').update(file.data).digest('hex')],
      );
    }
    return runId;
  });
}

/** A run "running" on no worker, with a half-done stage started a minute ago and `lines` log lines over two attempts. */
export async function seedRunningRunWithLogs(name: string, lines: number): Promise<string> {
  return withClient(async (client) => {
    const runId = id('e2elg');
    await client.query(
      `INSERT INTO "Run" (id, "projectId", name, method, config, status, attempt, "createdAt", "startedAt", tags)
       SELECT $1, id, $2, 'smoke', $3::jsonb, 'running', 2, now(), now() - interval '3 minutes', ARRAY['e2e'] FROM "Project" WHERE slug = 'default'`,
      [runId, name, JSON.stringify({ kind: 'smoke', seed: 0, steps: 100 })],
    );
    await client.query(
      `INSERT INTO "Stage" (id, "runId", kind, ordinal, status, progress, message, "startedAt") VALUES ($1, $2, 'train', 0, 'running', 0.4, 'step 40/100', now() - interval '60 seconds')`,
      [id('st'), runId],
    );
    await client.query(
      `INSERT INTO "RunLog" ("runId", attempt, seq, time, message)
       SELECT $1, CASE WHEN s < 5 THEN 1 ELSE 2 END, CASE WHEN s < 5 THEN s ELSE s - 5 END, now() - make_interval(secs => $2::int - s), 'step ' || s || ': loss ' || round((2.3 * exp(-s / 80.0))::numeric, 4)
       FROM generate_series(0, $2::int - 1) s`,
      [runId, lines],
    );
    return runId;
  });
}

/** Appends one log line to the run's current attempt, as a worker would. */
export function appendLogLine(runId: string, message: string): Promise<void> {
  return withClient(async (client) => {
    await client.query(
      `INSERT INTO "RunLog" ("runId", attempt, seq, time, message)
       SELECT $1, 2, COALESCE(MAX(seq) + 1, 0), now(), $2 FROM "RunLog" WHERE "runId" = $1 AND attempt = 2`,
      [runId, message],
    );
  });
}

export function deleteDatasets(names: string[]): Promise<void> {
  return withClient(async (client) => {
    await client.query(`DELETE FROM "Dataset" WHERE name = ANY($1::text[])`, [names]);
  });
}
