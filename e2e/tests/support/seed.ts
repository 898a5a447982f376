/**
 * Direct database access for scenarios the UI cannot produce quickly: finished runs with evaluation
 * results (the pipeline takes hours on CPU) and a 1,000,000-point metric series.
 */
import pg from 'pg';
import { SUMMARIZE_SERIES_SQL } from '@ktlab/api/series-resolution';
import { e2eHome } from '../../state';

export async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  process.env.KTLAB_HOME ??= e2eHome();
  process.env.KTLAB_PG_PORT ??= process.env.KTLAB_E2E_PG_PORT ?? '54349';
  const { openDatabase } = await import('@ktlab/db');
  const database = await openDatabase();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function id(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** A succeeded run in the default project with linear-probe top-1 per layer and a short loss curve. */
export function seedFinishedRun(method: string, name: string, seed: number, top1ByLayer: Record<string, number>): Promise<string> {
  return withClient(async (client) => {
    const runId = id('e2e');
    await client.query(
      `INSERT INTO "Run" (id, "projectId", name, method, config, status, "createdAt", "startedAt", "finishedAt", tags)
       SELECT $1, id, $2, $3, $4::jsonb, 'succeeded', now(), now() - interval '5 minutes', now(), ARRAY['e2e'] FROM "Project" WHERE slug = 'default'`,
      [runId, name, method, JSON.stringify({ kind: 'smoke', seed, steps: 100 })],
    );
    for (const [layer, value] of Object.entries(top1ByLayer)) {
      await client.query(
        `INSERT INTO "EvalResult" (id, "runId", protocol, layer, dataset, metric, value) VALUES ($1, $2, 'linear', $3, 'cifar10-test', 'top1', $4)`,
        [id('ev'), runId, layer, value],
      );
    }
    await insertSeries(client, runId, 'train/loss', 200, `2.3 * exp(-s / 40.0) + ${Number(seed) * 0.05}`);
    return runId;
  });
}

/**
 * Points 0…count-1 of a run's key, valued by the SQL expression `value` of the step `s`, with the summaries
 * the portal keeps at ingest (written straight into the tables, as the ingest path would store them).
 */
export async function insertSeries(client: pg.Client, runId: string, key: string, count: number, value: string): Promise<void> {
  const series = await client.query<{ id: number }>(
    `INSERT INTO "MetricSeries" ("runId", key) VALUES ($1, $2) ON CONFLICT ("runId", key) DO UPDATE SET key = excluded.key RETURNING id`,
    [runId, key],
  );
  const seriesId = series.rows[0].id;
  await client.query(`INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime") SELECT $1, s, ${value}, now() FROM generate_series(0, $2 - 1) s`, [seriesId, count]);
  await client.query(SUMMARIZE_SERIES_SQL, [[seriesId]]);
}

/** Adds `count` points of `key` to a run (a noisy decaying curve with a few spikes). */
export function seedLongSeries(runId: string, key: string, count: number): Promise<void> {
  return withClient(async (client) => {
    await insertSeries(client, runId, key, count, 'exp(-s / 300000.0) + 0.1 * sin(s / 50.0) + CASE WHEN s % 99991 = 0 THEN 3 ELSE 0 END');
  });
}

/** Removes seeded runs with everything they own (metric series cascade, their points go with them). */
export function deleteRuns(runIds: string[]): Promise<void> {
  return withClient(async (client) => {
    await client.query(`DELETE FROM "Run" WHERE id = ANY($1::text[])`, [runIds]);
  });
}
