/**
 * `npm run bench -- train [--steps 5] [--warmup 2]`: trains the AlexNet-style net (batch 128 of 32×32×3) and
 * the Jigsaw siamese net (batch 16 puzzles of 9 tiles of 27×27×3) on ktlab's CPU backend and the identical
 * nets in PyTorch (tools/bench/peers/train.py, 2 threads), one forward + backward + SGD step at a time, and
 * prints median images/s (puzzles/s for Jigsaw), peak RSS and the ratio; then the k-means matmul GFLOP/s
 * (50k×256 by 256×1000) on the same backend. Last line: `train: ratio_vs_pytorch=<min of the two ratios>`.
 */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import { buildAlexNetStyleNet, buildJigsawSiameseNet, selectBackend, syntheticBatch, trainingStep, type ReferenceNet } from '@ktlab/tf-backend';

const options = z
  .object({
    steps: z.coerce.number().int().positive(),
    warmup: z.coerce.number().int().min(0),
    backend: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'ktlab-wasm', 'cpu']),
  })
  .parse(
    new Command()
      .option('--steps <n>', 'timed steps per net', '5')
      .option('--warmup <n>', 'untimed steps first', '2')
      .option('--backend <name>', 'ktlab backend to measure', 'ktlab-wasm')
      .parse()
      .opts(),
  );

const PYTHON = '/usr/bin/python3';
const TORCH_THREADS = 2;
const NETS = [
  { name: 'alexnet', build: buildAlexNetStyleNet, batch: 128, unit: 'images' },
  { name: 'jigsaw', build: buildJigsawSiameseNet, batch: 16, unit: 'puzzles' },
] as const;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
/** The 1/5/15-minute load averages: on a shared 2-core machine, the context a reader needs to judge noise. */
const machineLoad = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

async function measureKtlab(net: ReferenceNet, batch: number): Promise<{ perSecond: number; stepMs: number }> {
  const optimizer = tf.train.sgd(0.01);
  const { input, labels } = syntheticBatch(net, batch);
  for (let i = 0; i < options.warmup; i++) await trainingStep(net, optimizer, input, labels);
  const times: number[] = [];
  for (let i = 0; i < options.steps; i++) {
    const started = performance.now();
    const loss = await trainingStep(net, optimizer, input, labels);
    times.push(performance.now() - started);
    if (!Number.isFinite(loss)) throw new Error(`${net.name}: loss became ${loss} at step ${i}`);
  }
  tf.dispose([input, labels]);
  optimizer.dispose();
  const stepMs = median(times);
  return { perSecond: (1000 * batch) / stepMs, stepMs };
}

type PeerResult = { ok: true; perSecond: number; stepMs: number; peakRssMb: number; torch: string } | { ok: false; reason: string };

function measurePyTorch(net: string, batch: number): PeerResult {
  const script = fileURLToPath(new URL('./peers/train.py', import.meta.url));
  const run = spawnSync(
    PYTHON,
    [script, '--net', net, '--batch', String(batch), '--steps', String(options.steps), '--warmup', String(options.warmup), '--threads', String(TORCH_THREADS)],
    { encoding: 'utf8' },
  );
  if (run.error) return { ok: false, reason: `${PYTHON} cannot run (${run.error.message}): apt-get install -y python3 python3-torch` };
  if (run.status === 3) return { ok: false, reason: 'python3-torch is not installed: apt-get install -y python3-torch' };
  if (run.status !== 0) return { ok: false, reason: `peer failed (exit ${run.status}): ${run.stderr.trim().split('\n').at(-1)}` };
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  const parsed = z
    .object({ images_per_s: z.number(), step_ms: z.number(), peak_rss_mb: z.number(), torch: z.string() })
    .parse(JSON.parse(line));
  return { ok: true, perSecond: parsed.images_per_s, stepMs: parsed.step_ms, peakRssMb: parsed.peak_rss_mb, torch: parsed.torch };
}

function kmeansMatMulGflops(): number {
  const [points, dims, centroids, repeats] = [50_000, 256, 1000, 3];
  const a = tf.randomUniform([points, dims]);
  const b = tf.randomUniform([dims, centroids]);
  tf.matMul(a, b).dispose(); // warm-up: XNNPACK packs b once per operator
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const product = tf.matMul(a, b);
    product.dataSync();
    times.push(performance.now() - started);
    product.dispose();
  }
  tf.dispose([a, b]);
  return (2 * points * dims * centroids) / (median(times) / 1000) / 1e9;
}

const info = await selectBackend({ prefer: options.backend }, pino({ level: 'silent' }));
console.log(`ktlab backend: ${info.name} (${info.threads} threads, simd ${info.simd}); PyTorch peer: ${TORCH_THREADS} threads`);
console.log(`${options.warmup} warm-up + ${options.steps} timed steps per net; medians. Shared machine: expect ±10-20% noise.`);
console.log(`machine load (1/5/15 min) at start: ${machineLoad()} on ${availableParallelism()} cores\n`);

const rows: string[][] = [];
const ratios: number[] = [];
let peerProblem: string | undefined;
for (const spec of NETS) {
  const net = spec.build();
  const ktlab = await measureKtlab(net, spec.batch);
  net.dispose();
  const ktlabRss = peakRssMb();
  const peer = measurePyTorch(spec.name, spec.batch);
  if (!peer.ok) peerProblem = peer.reason;
  const ratio = peer.ok ? ktlab.perSecond / peer.perSecond : Number.NaN;
  if (peer.ok) ratios.push(ratio);
  rows.push([
    `${spec.name} (batch ${spec.batch})`,
    `${ktlab.perSecond.toFixed(1)} ${spec.unit}/s`,
    peer.ok ? `${peer.perSecond.toFixed(1)} ${spec.unit}/s` : 'n/a',
    peer.ok ? ratio.toFixed(2) : 'n/a',
    `${ktlab.stepMs.toFixed(0)} / ${peer.ok ? peer.stepMs.toFixed(0) : 'n/a'}`,
    `${ktlabRss.toFixed(0)} / ${peer.ok ? peer.peakRssMb.toFixed(0) : 'n/a'}`,
  ]);
}

const header = ['net', 'ktlab', 'pytorch', 'ratio', 'step ms k/pt', 'peak RSS MB k/pt'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(format(header));
for (const row of rows) console.log(format(row));
if (peerProblem) console.log(`\nPyTorch peer unavailable — ${peerProblem}`);

console.log(`machine load (1/5/15 min) at end: ${machineLoad()}`);
console.log(`\nk-means matmul (50000×256 · 256×1000) on ${info.name}: ${kmeansMatMulGflops().toFixed(1)} GFLOP/s`);
console.log(`train: ratio_vs_pytorch=${ratios.length === NETS.length ? Math.min(...ratios).toFixed(2) : 'n/a'}`);
process.exit(0);
