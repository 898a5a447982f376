/**
 * Finished pipeline runs with what Compare and the run page show: evaluation results on a named test set,
 * metrics logged once (final values) and curves, figures stored as artifacts (as the trainer uploads them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { e2eHome } from '../../state';
import { insertSeries, withClient } from './seed';

const artifactsDir = () => process.env.KTLAB_ARTIFACTS ?? join(process.env.KTLAB_HOME ?? e2eHome(), 'artifacts');
const id = (prefix: string) => `${prefix}${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

export interface SeededRun {
  name: string;
  method: string;
  seed: number;
  /** Merged into a pipeline config on `dataPath`. */
  config?: Record<string, unknown>;
  dataPath: string;
  /** The test set as the pipeline names it in its results. */
  testSet: string;
  /** Linear-probe top-1 (a fraction) per layer. */
  linear: Record<string, number>;
  /** Other evaluation results on the same test set, e.g. detection mAP of a study's transfer cell. */
  results?: { protocol: string; layer: string; metric: string; value: number }[];
  /** Metrics logged once: key → value. */
  singles?: Record<string, number>;
  /** Curves: key → number of points (a decaying loss). */
  curves?: Record<string, number>;
  figures?: string[];
  /** The run's tags (default `e2e`), e.g. a study's `study:<name>` and `cell:<id>`. */
  tags?: string[];
}

export function seedEvaluatedRun(run: SeededRun): Promise<string> {
  return withClient(async (client) => {
    const runId = id('e2eres');
    const config = { kind: 'pipeline', seed: run.seed, imageSize: 32, data: { path: run.dataPath, format: 'folder', subset: 'all', limit: 5000 }, ...run.config };
    await client.query(
      `INSERT INTO "Run" (id, "projectId", name, method, config, status, "createdAt", "startedAt", "finishedAt", tags)
       SELECT $1, id, $2, $3, $4::jsonb, 'succeeded', now(), now() - interval '9 minutes', now(), $5::text[] FROM "Project" WHERE slug = 'default'`,
      [runId, run.name, run.method, JSON.stringify(config), run.tags ?? ['e2e']],
    );
    for (const [layer, value] of Object.entries(run.linear)) {
      await client.query(`INSERT INTO "EvalResult" (id, "runId", protocol, layer, dataset, metric, value) VALUES ($1, $2, 'linear', $3, $4, 'top1', $5)`, [id('ev'), runId, layer, run.testSet, value]);
    }
    for (const result of run.results ?? []) {
      await client.query(`INSERT INTO "EvalResult" (id, "runId", protocol, layer, dataset, metric, value) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        id('ev'),
        runId,
        result.protocol,
        result.layer,
        run.testSet,
        result.metric,
        result.value,
      ]);
    }
    for (const [key, value] of Object.entries(run.singles ?? {})) {
      await insertSeries(client, runId, key, 1, String(Number(value)));
    }
    for (const [key, points] of Object.entries(run.curves ?? {})) {
      await insertSeries(client, runId, key, points, `2.3 * exp(-s / 20.0) + ${Number(run.seed) * 0.05}`);
    }
    for (const [index, name] of (run.figures ?? []).entries()) await addFigure(runId, name, index, client);
    return runId;
  });
}

/** A small PNG stored as the run's figure artifact `name`, as the trainer uploads figures. */
export async function addFigure(runId: string, name: string, index = 0, client?: import('pg').Client): Promise<void> {
  if (!client) return withClient((own) => addFigure(runId, name, index, own));
  const data = await sharp({ create: { width: 96, height: 64, channels: 3, background: ['#4f46e5', '#059669', '#d97706'][index % 3] } }).png().toBuffer();
  await addArtifact(runId, 'figure', name, data, client);
}

/** A file stored as the run's artifact of `kind` (features, centroids, pseudo-labels, model, eval-table …), as the worker uploads it. */
export async function addArtifact(runId: string, kind: string, name: string, data: Buffer, client?: import('pg').Client): Promise<void> {
  if (!client) return withClient((own) => addArtifact(runId, kind, name, data, own));
  mkdirSync(join(artifactsDir(), runId), { recursive: true });
  writeFileSync(join(artifactsDir(), runId, name), data);
  await client.query(`INSERT INTO "Artifact" (id, "runId", kind, name, uri, bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
    id('ar'),
    runId,
    kind,
    name,
    `${runId}/${name}`,
    data.byteLength,
    createHash('sha256').update(data).digest('hex'),
  ]);
}

/** A float32 `.npy` (format 1.0) of `rows` × `cols`, filled with i / 10 as numpy would write it. */
export function npyFloat32(rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const values = Buffer.alloc(rows * cols * 4);
  for (let i = 0; i < rows * cols; i++) values.writeFloatLE(i / 10, i * 4);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), values]);
}

export function registerDataset(name: string, location: string, imageCount: number): Promise<void> {
  return withClient(async (client) => {
    await client.query(
      `INSERT INTO "Dataset" (id, "projectId", name, format, location, "imageCount", labeled) SELECT $1, id, $2, 'folder', $3, $4, true FROM "Project" WHERE slug = 'default'`,
      [id('ds'), name, location, imageCount],
    );
  });
}
