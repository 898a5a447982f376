/**
 * `npm run bench -- portal [--runs 10000] [--points 1000000] [--repeats 60]`
 *
 * The portal's API at scale: a scratch database (embedded PostgreSQL) seeded with 10,000 runs in one project
 * and a 1,000,000-point metric series; then p50/p95 latencies of `runs.list` (first page, a filtered page,
 * a config-field filter) and `runs.metricSeries` (downsampled to 2,000 buckets with min/max) through the real
 * HTTP API (standalone server, session cookie, superjson) — and, as the peer, the same SQL sent directly to
 * PostgreSQL: the floor an API could reach. Last line: `portal: p95_runs_list_ms=<value>`.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import pg from 'pg';
import superjson from 'superjson';
import { createSession, PgEventHub, SESSION_COOKIE, startApiServer } from '@ktlab/api';
import { applyMigrations, createDb, ktlabHome, startEmbeddedPostgres } from '@ktlab/db';

const int = (v: string) => Number.parseInt(v, 10);
const options = new Command()
  .option('--runs <n>', 'runs seeded in the project', int, 10_000)
  .option('--points <n>', 'points in the long metric series', int, 1_000_000)
  .option('--repeats <n>', 'timed requests per query (after 5 warm-up ones)', int, 60)
  .option('--pg-port <n>', 'port of the scratch embedded PostgreSQL', int, 54359)
  .parse(process.argv)
  .opts<{ runs: number; points: number; repeats: number; pgPort: number }>();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(repeats: number, call: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const log = (line: string) => console.log(`[bench portal] ${line}`);
const server = await startEmbeddedPostgres({ home: join(ktlabHome(), 'postgres-bench'), port: options.pgPort, database: 'postgres' });
const dbName = `ktlab_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = Object.assign(new URL(server.url), { pathname: `/${dbName}` }).toString();
await applyMigrations(url);
const sql = new pg.Client({ connectionString: url });
await sql.connect();

try {
  log(`seeding ${options.runs} runs and a ${options.points}-point series…`);
  const seedStarted = performance.now();
  await sql.query(`INSERT INTO "Project" (id, slug, name) VALUES ('p_bench', 'bench', 'Bench')`);
  await sql.query(`INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('u_bench', 'bench@ktlab.local', 'Bench', 'scrypt$0$0$0$x$x')`);
  await sql.query(`INSERT INTO "ProjectMember" ("projectId", "userId", role) VALUES ('p_bench', 'u_bench', 'owner')`);
  await sql.query(
    `INSERT INTO "Run" (id, "projectId", name, method, config, status, "createdAt", tags)
     SELECT 'r' || i, 'p_bench', 'run-' || i,
            (ARRAY['random','supervised','jigsaw','jigsaw++','cc-jigsaw++','cc-vgg-jigsaw++'])[1 + i % 6],
            jsonb_build_object('kind', 'pipeline', 'seed', i % 5, 'data', jsonb_build_object('path', '/data/cifar10'),
                               'clustering', jsonb_build_object('k', (ARRAY[500, 1000, 2000])[1 + i % 3], 'layer', 'conv4')),
            (ARRAY['succeeded','succeeded','succeeded','failed','cancelled','queued']::"RunStatus"[])[1 + i % 6],
            now() - make_interval(secs => i * 37), CASE WHEN i % 10 = 0 THEN ARRAY['baseline'] ELSE ARRAY[]::text[] END
     FROM generate_series(1, $1) i`,
    [options.runs],
  );
  await sql.query(
    `INSERT INTO "MetricPoint" ("runId", key, step, value, "wallTime")
     SELECT 'r1', 'train/loss', s, exp(-s / 200000.0) + 0.05 * sin(s / 30.0), now() FROM generate_series(0, $1 - 1) s`,
    [options.points],
  );
  await sql.query('ANALYZE');
  log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const db = createDb(url, { maxConnections: 10 });
  const events = new PgEventHub(url);
  const cookie = `${SESSION_COOKIE}=${(await createSession(db, 'u_bench')).secret}`;
  const api = await startApiServer({ db, events });
  const get = async (path: string, input: unknown) => {
    const response = await fetch(`${api.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { headers: { cookie } });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return response.json();
  };

  const cases: { name: string; api: () => Promise<unknown>; floor: () => Promise<unknown> }[] = [
    {
      name: 'runs.list first page (50 of 10k)',
      api: () => get('runs.list', { projectSlug: 'bench' }),
      floor: () =>
        Promise.all([
          sql.query(`SELECT count(*) FROM "Run" WHERE "projectId" = 'p_bench' AND "deletedAt" IS NULL`),
          sql.query(`SELECT id, name, method, status, attempt, tags, "createdAt" FROM "Run" WHERE "projectId" = 'p_bench' AND "deletedAt" IS NULL ORDER BY "createdAt" DESC, id DESC LIMIT 50`),
        ]),
    },
    {
      name: 'runs.list status+method, page 10',
      api: () => get('runs.list', { projectSlug: 'bench', status: ['succeeded'], method: 'jigsaw', page: 10, pageSize: 50 }),
      floor: () =>
        Promise.all([
          sql.query(`SELECT count(*) FROM "Run" WHERE "projectId" = 'p_bench' AND "deletedAt" IS NULL AND status = 'succeeded' AND method = 'jigsaw'`),
          sql.query(`SELECT id, name FROM "Run" WHERE "projectId" = 'p_bench' AND "deletedAt" IS NULL AND status = 'succeeded' AND method = 'jigsaw' ORDER BY "createdAt" DESC, id DESC LIMIT 50 OFFSET 500`),
        ]),
    },
    {
      name: 'runs.list config clustering.k=1000',
      api: () => get('runs.list', { projectSlug: 'bench', config: [{ path: 'clustering.k', value: 1000 }] }),
      floor: () =>
        Promise.all([
          sql.query(`SELECT count(*) FROM "Run" WHERE "projectId" = 'p_bench' AND "deletedAt" IS NULL AND config #> '{clustering,k}' = '1000'::jsonb`),
          sql.query(`SELECT id, name FROM "Run" WHERE "projectId" = 'p_bench' AND "deletedAt" IS NULL AND config #> '{clustering,k}' = '1000'::jsonb ORDER BY "createdAt" DESC, id DESC LIMIT 50`),
        ]),
    },
    {
      name: `runs.metricSeries ${options.points / 1e6}M points → 2000`,
      api: () => get('runs.metricSeries', { runId: 'r1', key: 'train/loss', maxPoints: 2000 }),
      floor: () =>
        sql.query(
          `SELECT min(step), avg(value), min(value), max(value) FROM "MetricPoint" WHERE "runId" = 'r1' AND key = 'train/loss'
           GROUP BY width_bucket(step, 0, $1::int, 2000) ORDER BY 1`,
          [options.points],
        ),
    },
  ];

  const rows: { name: string; api: { p50: number; p95: number }; floor: { p50: number; p95: number } }[] = [];
  for (const c of cases) {
    log(`measuring ${c.name}…`);
    rows.push({ name: c.name, api: await measure(options.repeats, c.api), floor: await measure(options.repeats, c.floor) });
  }
  await api.close();
  await events.close();
  await db.$disconnect();

  const ms = (v: number) => v.toFixed(1).padStart(8);
  console.log(`\n${'query'.padEnd(40)} ${'api p50'.padStart(8)} ${'api p95'.padStart(8)} ${'sql p50'.padStart(8)} ${'sql p95'.padStart(8)} ${'p95 ratio'.padStart(9)}`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(40)} ${ms(row.api.p50)} ${ms(row.api.p95)} ${ms(row.floor.p50)} ${ms(row.floor.p95)} ${(row.api.p95 / row.floor.p95).toFixed(2).padStart(8)}x`);
  }
  console.log(`(milliseconds; ${options.repeats} requests each after 5 warm-up; api = HTTP + session check + membership check + Prisma + superjson; sql = the same queries sent directly with node-postgres. Shared 2-core machine: expect noise.)\n`);
  console.log(`portal: p95_runs_list_ms=${rows[0].api.p95.toFixed(1)}`);
} finally {
  await sql.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  if (server.startedHere) await server.stop();
}
