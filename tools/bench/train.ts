/**
 * `npm run bench -- train [--rounds 3] [--steps 3] [--warmup 2] [--profile]`: trains the AlexNet-style net
 * (batch 128 of 32×32×3) and the Jigsaw siamese net (batch 16 puzzles of 9 tiles of 27×27×3) on ktlab's CPU
 * backend and the identical nets in PyTorch (tools/bench/peers/train.py, 2 threads), one forward + backward
 * + SGD step at a time.
 *
 * Both sides stay warm and take turns: ktlab round, PyTorch round, ktlab round, … (the PyTorch peer runs as
 * a server that blocks on stdin between rounds, so the idle side never competes for the cores). On a shared
 * machine a load swing then hits both sides alike instead of one. Each round's rate is its median step; the
 * table shows the median over rounds per side, their ratio, peak RSS, thread counts and the load average
 * seen during the rounds. `--profile` first prints ktlab's time per kernel for one step of each net. Then
 * the k-means matmul GFLOP/s (50k×256 by 256×1000) on the same backend.
 * Last line: `train: ratio_vs_pytorch=<min of the two ratios>`.
 */
import * as tf from '@tensorflow/tfjs';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import {
  buildAlexNetStyleNet,
  buildJigsawSiameseNet,
  formatStepProfile,
  profileTrainingStep,
  selectBackend,
  syntheticBatch,
  trainingStep,
  type ReferenceNet,
} from '@ktlab/tf-backend';

const options = z
  .object({
    rounds: z.coerce.number().int().positive(),
    steps: z.coerce.number().int().positive(),
    warmup: z.coerce.number().int().min(0),
    backend: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'ktlab-wasm', 'cpu']),
    profile: z.boolean(),
  })
  .parse(
    new Command()
      .option('--rounds <n>', 'alternating rounds per side and net', '3')
      .option('--steps <n>', 'timed steps per round', '3')
      .option('--warmup <n>', 'untimed steps first, per side', '2')
      .option('--backend <name>', 'ktlab backend to measure', 'ktlab-wasm')
      .option('--profile', "print ktlab's time per kernel for one step of each net first", false)
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

const readyMessage = z.object({ ready: z.literal(true), threads: z.number(), torch: z.string() });
const roundMessage = z.object({ step_ms: z.array(z.number()) });
const quitMessage = z.object({ peak_rss_mb: z.number(), threads: z.number(), torch: z.string() });

/** The PyTorch peer in --serve mode: warm once, then one round of timed steps per request. */
class TorchPeer {
  private readonly lines: AsyncIterator<string>;
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly threads: number,
    readonly torch: string,
    lines: AsyncIterator<string>,
  ) {
    this.lines = lines;
  }

  static async start(net: string, batch: number): Promise<TorchPeer | { problem: string }> {
    const script = fileURLToPath(new URL('./peers/train.py', import.meta.url));
    const args = [script, '--net', net, '--batch', String(batch), '--warmup', String(options.warmup), '--threads', String(TORCH_THREADS), '--serve'];
    const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([lines.next(), spawnError]);
    if (first instanceof Error) return { problem: `${PYTHON} cannot run (${first.message}): apt-get install -y python3 python3-torch` };
    if (first.done) {
      const code = await exited;
      if (code === 3) return { problem: 'python3-torch is not installed: apt-get install -y python3-torch' };
      return { problem: `peer failed (exit ${code}): ${stderr.trim().split('\n').at(-1)}` };
    }
    const ready = readyMessage.parse(JSON.parse(first.value));
    const peer = new TorchPeer(child, ready.threads, ready.torch, lines);
    child.stderr.on('data', (chunk: Buffer) => (peer.stderrTail = (peer.stderrTail + chunk.toString()).slice(-2000)));
    return peer;
  }

  private async request(command: string): Promise<unknown> {
    this.child.stdin.write(`${command}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error(`PyTorch peer exited during '${command}': ${this.stderrTail.trim().split('\n').at(-1)}`);
    return JSON.parse(line.value);
  }

  async round(steps: number): Promise<number[]> {
    return roundMessage.parse(await this.request(`round ${steps}`)).step_ms;
  }

  async quit(): Promise<{ peakRssMb: number }> {
    const last = quitMessage.parse(await this.request('quit'));
    this.child.stdin.end();
    return { peakRssMb: last.peak_rss_mb };
  }
}

async function ktlabRound(net: ReferenceNet, optimizer: tf.Optimizer, input: tf.Tensor, labels: tf.Tensor1D): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < options.steps; i++) {
    const started = performance.now();
    const loss = await trainingStep(net, optimizer, input, labels);
    times.push(performance.now() - started);
    if (!Number.isFinite(loss)) throw new Error(`${net.name}: loss became ${loss}`);
  }
  return times;
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
console.log(`ktlab backend: ${info.name} (${info.threads} threads, simd ${info.simd}); PyTorch peer: ${TORCH_THREADS} threads requested`);
console.log(
  `${options.warmup} warm-up steps per side, then ${options.rounds} alternating rounds (ktlab, PyTorch, …) of ${options.steps} timed steps; ` +
    'a round counts its median step, a side the median of its rounds.',
);
console.log(`machine load (1/5/15 min) at start: ${machineLoad()} on ${availableParallelism()} cores\n`);

const rows: string[][] = [];
const ratios: number[] = [];
let peerProblem: string | undefined;
for (const spec of NETS) {
  const net = spec.build();
  const optimizer = tf.train.sgd(0.01);
  const { input, labels } = syntheticBatch(net, spec.batch);
  for (let i = 0; i < options.warmup; i++) await trainingStep(net, optimizer, input, labels);
  if (options.profile) console.log(`${formatStepProfile(await profileTrainingStep(net, optimizer, input, labels))}\n`);

  const peer = await TorchPeer.start(spec.name, spec.batch);
  if ('problem' in peer) peerProblem = peer.problem;
  const rate = (stepTimes: number[]) => (1000 * spec.batch) / median(stepTimes);
  const ktlabRates: number[] = [];
  const torchRates: number[] = [];
  const loads: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const ktlabRate = rate(await ktlabRound(net, optimizer, input, labels));
    const torchRate = 'problem' in peer ? undefined : rate(await peer.round(options.steps));
    const load = loadavg()[0];
    ktlabRates.push(ktlabRate);
    if (torchRate !== undefined) torchRates.push(torchRate);
    loads.push(load);
    const pair = torchRate === undefined ? '' : `, pytorch ${torchRate.toFixed(1)} (ratio ${(ktlabRate / torchRate).toFixed(2)})`;
    console.log(`${spec.name} round ${round}: ktlab ${ktlabRate.toFixed(1)} ${spec.unit}/s${pair}; load ${load.toFixed(1)}`);
  }
  const torchEnd = 'problem' in peer ? undefined : await peer.quit();
  tf.dispose([input, labels]);
  optimizer.dispose();
  net.dispose();

  const ktlabRate = median(ktlabRates);
  const torchRate = torchRates.length ? median(torchRates) : undefined;
  const ratio = torchRate ? ktlabRate / torchRate : undefined;
  if (ratio !== undefined) ratios.push(ratio);
  const torchThreads = 'problem' in peer ? 'n/a' : String(peer.threads);
  rows.push([
    `${spec.name} (batch ${spec.batch})`,
    `${ktlabRate.toFixed(1)} ${spec.unit}/s`,
    torchRate ? `${torchRate.toFixed(1)} ${spec.unit}/s` : 'n/a',
    ratio?.toFixed(2) ?? 'n/a',
    `${((1000 * spec.batch) / ktlabRate).toFixed(0)} / ${torchRate ? ((1000 * spec.batch) / torchRate).toFixed(0) : 'n/a'}`,
    `${peakRssMb().toFixed(0)} / ${torchEnd ? torchEnd.peakRssMb.toFixed(0) : 'n/a'}`,
    `${info.threads} / ${torchThreads}`,
    `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  ]);
  console.log('');
}

const header = ['net', 'ktlab', 'pytorch', 'ratio', 'step ms k/pt', 'peak RSS MB k/pt', 'threads k/pt', 'load (1 min)'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
console.log(format(header));
for (const row of rows) console.log(format(row));
console.log('(ktlab peak RSS is the process peak so far: it includes the nets measured before)');
if (peerProblem) console.log(`\nPyTorch peer unavailable — ${peerProblem}`);

console.log(`machine load (1/5/15 min) at end: ${machineLoad()}`);
console.log(`\nk-means matmul (50000×256 · 256×1000) on ${info.name}: ${kmeansMatMulGflops().toFixed(1)} GFLOP/s`);
console.log(`train: ratio_vs_pytorch=${ratios.length === NETS.length ? Math.min(...ratios).toFixed(2) : 'n/a'}`);
process.exit(0);
