/**
 * `npm run bench -- scale [--images 6000] [--k 200] [--iterations 5] [--shard-rows 1000] [--workers 3] [--pg-port 54357]`
 *
 * Scale-out through the real queue: an embedded PostgreSQL, the portal's API server, and 1, then 2, then 3
 * trainer PROCESSES (apps/trainer/src/main.ts, spawned: tools may not import apps) draining the shards of the
 * same feature + k-means run (CIFAR-10 train images, HOG features, `clustering.shardRows` > 0, so whatever
 * stages the pipeline shards are exercised). Per worker count: the k-means stage's wall time, the span of its
 * shard tasks, speed-up vs 1 worker, shards executed per worker, and the per-shard overhead: the time a worker
 * holds a shard (ShardTask startedAt → finishedAt: downloads, compute, upload, finish call) minus the same
 * shard's compute measured in this process with no queue, plus the time shards wait to be claimed.
 * Correctness: the centroids of the 1/2/3-worker runs must be the same bits (and equal an in-process sharded fit).
 * Each run is cancelled once its pseudo-labels exist: the target training and evaluation are not measured.
 * All workers share one decode cache (KTLAB_CACHE, default <KTLAB_HOME>/cache): the first bench on a machine
 * decodes CIFAR-10 once (a few minutes on 2 loaded cores), later ones read the cache.
 *
 * Peers on the same feature matrix (read from the run's folder), same k and iterations, every row used:
 * faiss k-means (tools/bench/peers/kmeans.py, /usr/bin/python3, single process, 2 threads) and ktlab's
 * in-process, unsharded k-means (the pipeline's `shardRows: 0` path).
 *
 * Headline (last line): `scale: overhead_ratio_3w_vs_inprocess=<kmeans stage wall with 3 workers / in-process
 * unsharded k-means>`. It is what sharding costs on one machine, where the "workers" share 2 cores and cannot
 * be faster than one process: the queue's bookkeeping per shard against the compute it distributes. Lower is
 * better; with shards that hold seconds of work (see docs/scaling.md) it approaches 1 / (machines used).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { createWorkerToken, startApiServer } from '@ktlab/api';
import { createTestApi, type TestApi } from '@ktlab/api/testing';
import { cacheDir, ktlabHome, sharedDir } from '@ktlab/config/paths';
import { startEmbeddedPostgres } from '@ktlab/db';
import {
  accumulateShardTrainingRows,
  fitKMeans,
  fitKMeansSharded,
  loadModel,
  planShards,
  readNpy,
  sampleShardRows,
  toRowBlocks,
  WasmDistanceEngine,
  type DistanceEngine,
  type MapStep,
  type RowBlocks,
  type ShardedPoints,
  type ShardPartial,
} from '@ktlab/kmeans';
import { fmt, markdownTable, shardKey, shardStats, type ShardStats, type ShardTiming } from './support/scale-report';
import { median } from './support/statistics';
import { exited, spawnTrainer as spawnTrainerProcess, type Trainer, waitFor } from './support/trainer-processes';
import { PEER_PYTHON as PYTHON } from './support/peer-python';

const peerScript = fileURLToPath(new URL('./peers/kmeans.py', import.meta.url));
const sharedRoot = sharedDir();
const int = (v: string) => Number.parseInt(v, 10);

const options = new Command()
  .option('--images <n>', 'CIFAR-10 training images clustered (the first N of the seeded shuffle)', int, 6000)
  .option('--k <n>', 'clusters', int, 200)
  .option('--iterations <n>', 'Lloyd iterations', int, 5)
  .option('--shard-rows <n>', 'feature rows per shard (clustering.shardRows)', int, 1000)
  .option('--workers <n>', 'largest worker count (runs 1, 2, … up to it)', int, 3)
  .option('--data <path>', 'image folder', join(sharedRoot, 'datasets', 'cifar10', 'train'))
  .option('--pg-port <n>', 'port of the scratch embedded PostgreSQL', int, 54357)
  .option('--run-timeout <s>', 'seconds one run may take', int, 420)
  .parse(process.argv)
  .opts<{ images: number; k: number; iterations: number; shardRows: number; workers: number; data: string; pgPort: number; runTimeout: number }>();

if (!existsSync(options.data)) throw new Error(`image folder not found: ${options.data} (set KTLAB_SHARED or pass --data)`);
if (options.shardRows < 1) throw new Error('--shard-rows must be at least 1: the bench measures the sharded path');
if (options.workers < 1) throw new Error('--workers must be at least 1');

const SEED = 7;
const IN_PROCESS_REPEATS = 3;
const decodeCache = cacheDir();
const log = (line: string) => console.log(`[bench scale] ${line}`);
const seconds = (ms: number) => ms / 1000;

function spawnTrainer(portalUrl: string, token: string, name: string, home: string): Trainer {
  // One decode cache for every worker (as a shared mount would be): the dataset is decoded once, not per worker.
  return spawnTrainerProcess({ portalUrl, token, name, home, env: { KTLAB_CACHE: decodeCache } });
}

/** The pipeline run every worker count executes: HOG features of CIFAR-10, sharded k-means, a token target and eval. */
function runConfig() {
  return {
    kind: 'pipeline' as const,
    seed: SEED,
    data: { path: options.data, limit: options.images },
    pretext: { task: 'none' as const },
    clustering: { source: 'hog' as const, k: options.k, iterations: options.iterations, shardRows: options.shardRows, maxPointsPerCentroid: 0, pcaDims: 0 },
    // The run is cancelled once its pseudo-labels exist (the stages after them are not measured); should the
    // cancel come late, these keep them short.
    target: { epochs: 0.02, batchSize: 64, widthMultiplier: 0.1 },
    // The worker only stops a cancelled run between training steps: the evaluation must be short on its own.
    evaluation: { layers: ['conv1' as const], protocols: ['knn' as const], train: { path: options.data, limit: 500 } },
  };
}

interface WorkerCountResult {
  workers: number;
  runId: string;
  home: string;
  stageWallMs: Record<string, number>;
  kmeans: ShardStats;
  otherKinds: Map<string, ShardStats>;
  rows: ShardTiming[];
  centroids: Float32Array;
}

/**
 * `ShardedPoints` over shards in this process, timing every shard's sample and map step: the compute a queued
 * shard carries, without the queue.
 */
class TimedShards implements ShardedPoints {
  readonly shardRows: readonly number[];
  readonly dims: number;
  /** Every timing of each shard step (one per repeat of the fit). */
  readonly computeMs = new Map<string, number[]>();
  private readonly firstRows: number[];

  constructor(private readonly shards: readonly RowBlocks[], private readonly engine: DistanceEngine) {
    this.dims = shards[0]!.dims;
    this.shardRows = shards.map((shard) => shard.rows);
    let first = 0;
    this.firstRows = this.shardRows.map((rows) => ((first += rows), first - rows));
  }

  async sample(fraction: number, seed: number, salt: number): Promise<Float32Array[]> {
    return this.shards.map((shard, s) => {
      const started = performance.now();
      const rows = sampleShardRows(shard, this.firstRows[s]!, fraction, seed, salt);
      this.record(shardKey('kmeans-sample', 0, s), performance.now() - started);
      return rows;
    });
  }

  async accumulate(step: MapStep): Promise<ShardPartial[]> {
    const partials: ShardPartial[] = [];
    for (const [s, shard] of this.shards.entries()) {
      const started = performance.now();
      partials.push(await accumulateShardTrainingRows(this.engine, shard, this.firstRows[s]!, s, step));
      this.record(shardKey('kmeans-map', step.iteration, s), performance.now() - started);
    }
    return partials;
  }

  private record(key: string, ms: number): void {
    this.computeMs.set(key, [...(this.computeMs.get(key) ?? []), ms]);
  }
}

/** The run folder (in whichever worker's home held the run) holding `relative`. */
function runFile(homes: readonly string[], runId: string, relative: string): string {
  for (const home of homes) {
    const path = join(home, 'runs', runId, relative);
    if (existsSync(path)) return path;
  }
  throw new Error(`no worker home holds runs/${runId}/${relative}`);
}

async function executeRun(api: TestApi, trainers: readonly Trainer[], workers: number): Promise<Omit<WorkerCountResult, 'kmeans' | 'otherKinds' | 'centroids'> & { centroidsFile: string }> {
  const run = await api.user.runs.create({ method: 'bench-scale', name: `scale ${workers} worker(s)`, config: runConfig() });
  const started = Date.now();
  const reported = new Map<string, string>();
  let cancelRequested = false;
  let measuredMs = Number.NaN;
  const finished = await waitFor(
    async () => {
      if (trainers.some((t) => t.exitCode !== null)) throw new Error(`a trainer exited:\n${trainers.map((t) => t.output.join('').slice(-3000)).join('\n')}`);
      for (const stage of await api.db.stage.findMany({ where: { runId: run.id }, orderBy: { ordinal: 'asc' } })) {
        if (stage.status === 'pending' || reported.get(stage.kind) === stage.status) continue;
        reported.set(stage.kind, stage.status);
        log(`  ${workers} worker(s), +${fmt(seconds(Date.now() - started), 1)} s: ${stage.kind} ${stage.status}${stage.message ? ` (${stage.message})` : ''}`);
      }
      // What is measured ends with the pseudo-labels; the target training and evaluation after them are not.
      if (!cancelRequested && reported.get('pseudo-labels') === 'succeeded') {
        cancelRequested = true;
        measuredMs = Date.now() - started;
        await api.user.runs.cancel({ id: run.id }).catch(() => undefined); // it may just have ended
      }
      const current = await api.user.runs.get({ id: run.id });
      return ['succeeded', 'failed', 'cancelled'].includes(current.status) && current;
    },
    options.runTimeout * 1000,
    `the ${workers}-worker run`,
  );
  if (finished.status === 'failed' || (finished.status === 'cancelled' && reported.get('pseudo-labels') !== 'succeeded')) {
    throw new Error(`the ${workers}-worker run ${finished.status}: ${finished.error ?? ''}\n${trainers.map((t) => t.output.join('').slice(-3000)).join('\n')}`);
  }
  log(`${workers} worker(s): run ${run.id} ${finished.status} after ${fmt(seconds(Date.now() - started), 1)} s (pseudo-labels done at ${fmt(seconds(measuredMs), 1)} s)`);
  const tasks = await api.db.shardTask.findMany({ where: { runId: run.id }, include: { claimedBy: { select: { name: true } } } });
  const rows: ShardTiming[] = tasks.map((task) => {
    if (task.status !== 'succeeded' || !task.startedAt || !task.finishedAt) throw new Error(`shard task ${task.kind}/${task.iteration}/${task.shard} is ${task.status}`);
    return {
      kind: task.kind,
      iteration: task.iteration,
      shard: task.shard,
      worker: task.claimedBy?.name ?? '(unknown)',
      createdAt: task.createdAt.getTime(),
      startedAt: task.startedAt.getTime(),
      finishedAt: task.finishedAt.getTime(),
    };
  });
  const stages = await api.db.stage.findMany({ where: { runId: run.id } });
  const stageWallMs: Record<string, number> = {};
  for (const stage of stages) if (stage.startedAt && stage.finishedAt) stageWallMs[stage.kind] = stage.finishedAt.getTime() - stage.startedAt.getTime();
  const homes = trainers.map((t) => t.home);
  const centroidsFile = runFile(homes, run.id, 'kmeans/centroids.ktkm');
  const home = homes.find((h) => centroidsFile.startsWith(h))!;
  return { workers, runId: run.id, home, stageWallMs, rows, centroidsFile };
}

function faissUnavailable(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import faiss, numpy'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return `faiss peer unavailable: ${PYTHON} cannot import faiss/numpy. Install with: apt-get install -y python3-faiss python3-numpy`;
  }
}

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

const benchStarted = performance.now();
const scratch = mkdtempSync(join(tmpdir(), 'ktlab-bench-scale-'));
process.env.KTLAB_ARTIFACTS = join(scratch, 'artifacts');
// Leases of runs and shards (default 30 s): a 2-core machine under load can starve a worker's heartbeat for that
// long, and a lost lease re-queues the run mid-measurement.
process.env.KTLAB_LEASE_MS ??= '120000';
log(`${options.images} CIFAR-10 images → HOG → k=${options.k}, ${options.iterations} iterations, shards of ${options.shardRows} rows; 1…${options.workers} worker processes`);
log('machine: 2 cores shared by every process here (and other users): timings are noisy');

const postgres = await startEmbeddedPostgres({ home: join(ktlabHome(), 'postgres-bench-scale'), port: options.pgPort, database: 'postgres' });
process.env.KTLAB_TEST_ADMIN_URL = postgres.url;
const api = await createTestApi();
const server = await startApiServer({ db: api.db, events: api.events });
const trainers: Trainer[] = [];
const results: WorkerCountResult[] = [];
let exitCode = 0;
try {
  const { secret } = await createWorkerToken(api.db, 'bench-scale');
  const runs: Array<Awaited<ReturnType<typeof executeRun>>> = [];
  for (let workers = 1; workers <= options.workers; workers++) {
    // Workers join one at a time and stay: run w is drained by w processes (started and registered before it).
    const name = `worker-${workers}`;
    trainers.push(spawnTrainer(server.url, secret, name, mkdtempSync(join(scratch, `${name}-`))));
    await waitFor(async () => (await api.db.worker.count({ where: { name } })) > 0, 120_000, `${name} to register`);
    runs.push(await executeRun(api, trainers, workers));
  }

  // The feature matrix the runs clustered (every run computes the same one), for the in-process sides.
  const featuresFile = runFile([runs[0]!.home], runs[0]!.runId, 'features/clustering.npy');
  const matrix = await readNpy(featuresFile);
  const [rows, dims] = matrix.shape as [number, number];
  const points = matrix.data as Float32Array;
  log(`feature matrix: ${rows} × ${dims} (HOG)`);

  const engine = new WasmDistanceEngine();
  let inProcessMs: number;
  let inProcessInertia: number;
  let inMemory: TimedShards;
  let inMemoryMs: number;
  let inMemoryCentroids: Float32Array;
  try {
    const fitOptions = { k: options.k, iterations: options.iterations, seed: SEED, maxPointsPerCentroid: 0 };
    await fitKMeans(points, dims, { ...fitOptions, iterations: 1, engine }); // warm-up: the WASM kernel and its threads
    const unshardedMs: number[] = [];
    let fit: Awaited<ReturnType<typeof fitKMeans>> | undefined;
    for (let r = 0; r < IN_PROCESS_REPEATS; r++) {
      const started = performance.now();
      fit = await fitKMeans(points, dims, { ...fitOptions, engine });
      unshardedMs.push(performance.now() - started);
    }
    inProcessMs = median(unshardedMs);
    inProcessInertia = fit!.history.at(-1)?.inertia ?? Number.NaN;
    const plan = planShards(rows, Math.ceil(rows / options.shardRows));
    inMemory = new TimedShards(plan.map(({ start, end }) => toRowBlocks(points.subarray(start * dims, end * dims), dims)), engine);
    const shardedMs: number[] = [];
    let sharded: Awaited<ReturnType<typeof fitKMeansSharded>> | undefined;
    for (let r = 0; r < IN_PROCESS_REPEATS; r++) {
      const started = performance.now();
      sharded = await fitKMeansSharded(inMemory, fitOptions);
      shardedMs.push(performance.now() - started);
    }
    inMemoryMs = median(shardedMs);
    inMemoryCentroids = sharded!.model.centroids;
  } finally {
    await engine.dispose();
  }

  for (const run of runs) {
    const kmeansRows = run.rows.filter((row) => row.kind.startsWith('kmeans-'));
    const otherKinds = new Map<string, ShardStats>();
    for (const kind of new Set(run.rows.map((row) => row.kind).filter((kind) => !kind.startsWith('kmeans-')))) {
      otherKinds.set(kind, shardStats(run.rows.filter((row) => row.kind === kind), new Map()));
    }
    const computeMs = new Map([...inMemory.computeMs].map(([key, times]) => [key, median(times)]));
    results.push({ ...run, kmeans: shardStats(kmeansRows, computeMs), otherKinds, centroids: (await loadModel(run.centroidsFile)).centroids });
  }

  const unavailable = faissUnavailable();
  let faiss: { seconds: number; inertia: number; version: string } | undefined;
  if (unavailable) log(unavailable);
  else {
    const configPath = join(scratch, 'faiss.json');
    await writeFile(configPath, JSON.stringify({ data: featuresFile, threads: 2, jobs: [{ name: 'main', rows, k: options.k, iterations: options.iterations, repeats: 1 }] }));
    const output = execFileSync(PYTHON, [peerScript, configPath], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, OMP_NUM_THREADS: '2' } });
    const parsed = JSON.parse(output) as { faiss_version: string; results: Array<{ seconds: number[]; objective: number[] }> };
    faiss = { seconds: parsed.results[0]!.seconds[0]!, inertia: parsed.results[0]!.objective.at(-1)!, version: parsed.faiss_version };
  }

  // ---- report ----
  const one = results[0]!;
  const kmeansWall = (r: WorkerCountResult) => r.stageWallMs.kmeans ?? Number.NaN;
  console.log('\nOn this machine the "workers" are processes sharing the same 2 CPU cores, so a speed-up above 1 is not');
  console.log('expected here: what this bench shows is correctness (the same centroids for every worker count) and the');
  console.log('overhead the queue adds per shard. Real speed-up needs workers on separate machines (docs/scaling.md).\n');
  console.log(
    markdownTable(
      ['workers', 'features stage (s)', 'k-means stage wall (s)', 'k-means shard span (s)', 'speed-up vs 1 (stage)', 'k-means shards per worker', 'median queue wait (ms)', 'median held (ms)', 'median compute (ms)', 'median overhead / shard (ms)', 'overhead share of held', 'span with no shard held (s)'],
      results.map((r) => [
        r.workers,
        fmt(seconds(r.stageWallMs.features ?? Number.NaN)),
        fmt(seconds(kmeansWall(r))),
        fmt(seconds(r.kmeans.spanMs)),
        fmt(kmeansWall(one) / kmeansWall(r)),
        Object.entries(r.kmeans.perWorker).sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => `${name}: ${count}`).join(', '),
        fmt(r.kmeans.medianQueueMs, 0),
        fmt(r.kmeans.medianHeldMs, 0),
        fmt(r.kmeans.medianComputeMs, 1),
        fmt(r.kmeans.medianOverheadMs, 0),
        `${fmt(r.kmeans.overheadShare * 100, 0)}%`,
        fmt(seconds(r.kmeans.unheldMs)),
      ]),
    ),
  );
  console.log('k-means stage wall: the Stage row (start → finish; includes putting the feature shards, the init and per-iteration checkpoints).');
  console.log('shard span: first k-means shard enqueued → last finished. queue wait: enqueued → claimed (serial waiting, polling: the');
  console.log('run\'s worker polls every 200 ms, idle workers every 1 s). held: claimed → finished. compute: the same shard step in this');
  console.log('process with no queue (median of the repeats). overhead / shard = held − compute: downloads, upload, finish call.');
  console.log('span with no shard held: between steps (reduce, putting the next centroids, checkpoints) and claim latency.');
  const other = results.flatMap((r) => [...r.otherKinds].map(([kind, s]) => [r.workers, kind, s.tasks, fmt(seconds(s.spanMs)), Object.entries(s.perWorker).map(([n, c]) => `${n}: ${c}`).join(', '), fmt(s.medianQueueMs, 0), fmt(s.medianHeldMs, 0)]));
  if (other.length) console.log(`\nother sharded stages\n${markdownTable(['workers', 'kind', 'tasks', 'span (s)', 'shards per worker', 'median queue wait (ms)', 'median held (ms)'], other)}`);
  else console.log('\n(no shards other than k-means in these runs: the pipeline shards only k-means so far)');

  const tasksPerRun = one.kmeans.tasks;
  console.log(`\nk-means shard tasks per run: ${tasksPerRun} (${Math.ceil(rows / options.shardRows)} shards × (1 sample + ${options.iterations} map steps))`);
  console.log('\nsame feature matrix, same k and iterations, every row used, one process:');
  console.log(
    markdownTable(
      ['side', 'time (s)', 'final inertia', 'note'],
      [
        [`ktlab in-process, unsharded (fitKMeans, median of ${IN_PROCESS_REPEATS})`, fmt(seconds(inProcessMs), 3), inProcessInertia.toExponential(5), 'the pipeline with shardRows: 0'],
        [`ktlab in-process, sharded, no queue (median of ${IN_PROCESS_REPEATS})`, fmt(seconds(inMemoryMs), 3), '', 'fitKMeansSharded over the same shard plan'],
        ...results.map((r) => [`ktlab ${r.workers} worker process(es), k-means stage`, fmt(seconds(kmeansWall(r)), 3), '', 'through Postgres + the portal API']),
        faiss ? [`faiss ${faiss.version} (2 threads)`, fmt(faiss.seconds, 3), faiss.inertia.toExponential(5), 'init: first k rows (ktlab: k-means++)'] : ['faiss', 'n/a', '', unavailable ?? ''],
      ],
    ),
  );

  const reference = results[0]!.centroids;
  const identical = results.every((r) => sameBits(r.centroids, reference));
  const matchesInProcess = sameBits(reference, inMemoryCentroids);
  console.log(`\ncentroids, ${results.map((r) => `${r.workers} worker(s)`).join(' / ')}: ${identical ? 'IDENTICAL (bit for bit)' : 'DIFFER'}`);
  console.log(`centroids, worker processes vs in-process sharded fit: ${matchesInProcess ? 'IDENTICAL (bit for bit)' : 'DIFFER'}`);
  if (!identical) exitCode = 1;
  console.log(`bench wall time: ${fmt(seconds(performance.now() - benchStarted), 0)} s`);

  const last = results.find((r) => r.workers === 3) ?? results.at(-1)!;
  const ratio = kmeansWall(last) / inProcessMs;
  console.log(`scale: overhead_ratio_${last.workers}w_vs_inprocess=${fmt(ratio, 3)}`);
} finally {
  for (const trainer of trainers) trainer.kill('SIGTERM');
  await Promise.all(trainers.map(exited));
  await server.close();
  await api.close();
  if (postgres.startedHere) await postgres.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exitCode = exitCode;
