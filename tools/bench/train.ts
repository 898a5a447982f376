/**
 * `npm run bench -- train [--nets alexnet,jigsaw,…] [--rounds 3] [--steps 3] [--warmup 2] [--native auto|openblas|off]
 * [--backend ktlab-wasm] [--profile]`: trains the nets the pipeline trains — built by the pipeline's own builders
 * from the presets' configs (tools/bench/support/pipeline-nets.ts): the CC+Jigsaw++ target (AlexNet-style, 32×32,
 * k classes) and pretext (Jigsaw siamese net on the pretext tiles), each at full and at `--quick` width, the target
 * with the VGG trunk, and the CC+vgg-Jigsaw++ pretext net — with the pipeline's step (`trainStepAsync` as fit runs
 * it: softmax cross-entropy in training mode, SgdMomentum) at the pipeline's batch sizes, on ktlab's backend and,
 * as the same nets written in PyTorch (tools/bench/peers/train.py), with the same number of threads on both sides.
 *
 * Before timing a net, both sides list its conv, batch-norm, dense and pool layers (weights, batch-norm state,
 * output shape); any difference fails the bench. Both sides stay warm and take turns: ktlab round, PyTorch round,
 * ktlab round, … (the PyTorch peer runs as a server that blocks on stdin between rounds, so the idle side never
 * competes for the cores): on a shared machine a load swing then hits both sides alike. Each round's rate is its
 * median step; the table shows the median over rounds per side, their ratio, the GFLOP/s each side reaches (conv
 * and dense layers, forward + backward) against the CPU's nominal fp32 FMA peak, peak RSS and the load average.
 * `--profile` first prints ktlab's time per kernel for one step of each net. Then the k-means matmul GFLOP/s
 * (50k×256 by 256×1000) on the same backend.
 * `--backend webgpu`: ktlab on the WebGPU adapter, PyTorch on CUDA when this host has a GPU torch sees (float32,
 * TF32 off; else on the CPU, which the output says); no CPU peak column.
 * Last line: `train: ratio_vs_pytorch=<min of the nets' ratios>` (`ratio_vs_pytorch_cuda` when the peer ran on CUDA).
 */
import * as tf from '@tensorflow/tfjs';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { pino } from 'pino';
import { z } from 'zod';
import { adapterLabel, BACKEND_NAMES, cpuHost, describeCpuHost, formatStepProfile, profileTrainingStep, selectBackend } from '@ktlab/tf-backend';
import {
  buildPipelineNet,
  describeLayers,
  PIPELINE_NET_NAMES,
  trainingFlopsPerExample,
  trainingSession,
  type LayerDescription,
  type PipelineNet,
} from './support/pipeline-nets.js';
import { median } from './support/statistics';
import { PEER_PYTHON as PYTHON } from './support/peer-python';

const options = z
  .object({
    nets: z
      .string()
      .transform((list) => list.split(',').map((name) => name.trim()).filter(Boolean))
      .pipe(z.array(z.enum(PIPELINE_NET_NAMES)).min(1)),
    rounds: z.coerce.number().int().positive(),
    steps: z.coerce.number().int().positive(),
    warmup: z.coerce.number().int().min(0),
    backend: z.enum(['auto', ...BACKEND_NAMES]),
    native: z.enum(['auto', 'openblas', 'onednn', 'off']).optional(),
    profile: z.boolean(),
  })
  .parse(
    new Command()
      .option('--nets <list>', `comma-separated, from ${PIPELINE_NET_NAMES.join(', ')}`, PIPELINE_NET_NAMES.join(','))
      .option('--rounds <n>', 'alternating rounds per side and net', '3')
      .option('--steps <n>', 'timed steps per round', '3')
      .option('--warmup <n>', 'untimed steps first, per side', '2')
      .option('--backend <name>', 'ktlab backend to measure', 'ktlab-wasm')
      .option('--native <choice>', "ktlab-wasm's native libraries (sets KTLAB_NATIVE): auto, openblas, onednn or off")
      .option('--profile', "print ktlab's time per kernel for one step of each net first", false)
      .parse()
      .opts(),
  );

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
/** The 1/5/15-minute load averages: on a shared machine, the context a reader needs to judge noise. */
const machineLoad = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

/**
 * The fp32 FMA peak of `cores` cores at the clock in the CPU's model name (else its current clock): two FMA units
 * per core, 16 fp32 lanes each with AVX-512 (8 on AMD Zen 4, cpu family 25, which runs AVX-512 on 256-bit
 * units), 8 with AVX2, 2 flops per lane per FMA. Parts with one AVX-512 FMA unit, turbo clocks and hyperthreads
 * sharing a core make it approximate; it shows how far from the hardware each side is, it does not grade it.
 */
function nominalPeakGflops(cores: number): { gflops: number; clock: string; basis: string } | undefined {
  const host = cpuHost();
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: only the model name can give the clock.
  }
  const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(cpuinfo)?.[1].trim();
  const zen4 = field('vendor_id') === 'AuthenticAMD' && field('cpu family') === '25';
  const lanes = host.isa === 'avx512' ? (zen4 ? 8 : 16) : host.isa === 'avx2' ? 8 : 0;
  if (!lanes) return undefined;
  const fromModel = Number(/@\s*([\d.]+)\s*GHz/i.exec(host.model)?.[1]);
  const ghz = fromModel > 0 ? fromModel : Number(field('cpu MHz')) / 1000;
  if (!(ghz > 0)) return undefined;
  const clock = fromModel > 0 ? 'base clock from the model name' : 'current clock from /proc/cpuinfo';
  const width = zen4 ? ' (Zen 4: AVX-512 on 256-bit units)' : '';
  const assumedClock = `${ghz.toFixed(2)} GHz (${clock})`;
  return { gflops: cores * ghz * lanes * 2 * 2, clock: assumedClock, basis: `${cores} cores × ${assumedClock} × 2 FMA units × ${lanes} fp32 lanes${width} × 2 flops` };
}

const peerLayer = z.object({ name: z.string(), params: z.number(), buffers: z.number(), output: z.array(z.number()) });
const readyMessage = z.object({
  ready: z.literal(true),
  threads: z.number(),
  torch: z.string(),
  mkldnn: z.boolean(),
  device: z.string(),
  cuda_unavailable_reason: z.string().nullable(),
  layers: z.array(peerLayer),
});
const roundMessage = z.object({ step_ms: z.array(z.number()) });
const quitMessage = z.object({ peak_rss_mb: z.number(), threads: z.number(), torch: z.string() });
type PeerLayer = z.infer<typeof peerLayer>;

/** The PyTorch peer in --serve mode: built and warm once, then one round of timed steps per request. */
class TorchPeer {
  private stderrTail = '';

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    readonly ready: z.infer<typeof readyMessage>,
  ) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000)));
  }

  /** `device` auto: CUDA when torch sees a GPU (the peer of ktlab on webgpu), else the CPU. */
  static async start(net: PipelineNet, threads: number, device: 'cpu' | 'auto'): Promise<TorchPeer | { problem: string }> {
    const script = fileURLToPath(new URL('./peers/train.py', import.meta.url));
    const { kind, arch, widthMultiplier, inputSize, numClasses, tiles } = net.peer;
    const args = [
      script,
      ...['--kind', kind, '--arch', arch, '--width', String(widthMultiplier), '--size', String(inputSize), '--classes', String(numClasses)],
      ...(tiles === undefined ? [] : ['--tiles', String(tiles)]),
      ...['--batch', String(net.batch), '--lr', String(net.learningRate), '--warmup', String(options.warmup), '--threads', String(threads), '--device', device, '--serve'],
    ];
    // The thread pools PyTorch may use read these before torch.set_num_threads runs.
    const threadEnv = Object.fromEntries(['OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'].map((name) => [name, String(threads)]));
    const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...threadEnv } });
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
    return new TorchPeer(child, lines, readyMessage.parse(JSON.parse(first.value)));
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

  kill(): void {
    this.child.kill();
  }
}

const shape = (dims: number[]) => dims.join('×');

/** Prints both sides' layers next to each other, matched by name; returns the differences (none: the same net). */
function compareLayers(net: string, ktlab: LayerDescription[], torch: PeerLayer[] | undefined): string[] {
  const byName = new Map(torch?.map((layer) => [layer.name, layer]));
  const rows = ktlab.map((layer) => {
    const peer = byName.get(layer.name);
    const same = peer && peer.params === layer.params && peer.buffers === layer.buffers && shape(peer.output) === shape(layer.output);
    return [
      layer.name,
      `${layer.params}+${layer.buffers}`,
      peer ? `${peer.params}+${peer.buffers}` : '-',
      shape(layer.output),
      peer ? shape(peer.output) : '-',
      torch ? (same ? 'same' : 'DIFFERENT') : '',
    ];
  });
  const names = new Set(ktlab.map((layer) => layer.name));
  for (const extra of torch?.filter((layer) => !names.has(layer.name)) ?? []) {
    rows.push([extra.name, '-', `${extra.params}+${extra.buffers}`, '-', shape(extra.output), 'DIFFERENT']);
  }
  console.log(table(['layer', 'ktlab weights+state', 'pytorch weights+state', 'ktlab output', 'pytorch output', ''], rows));
  const trainable = (layers: { params: number }[]) => layers.reduce((sum, l) => sum + l.params, 0);
  console.log(`${net}: ${trainable(ktlab)} trainable weights in ktlab${torch ? `, ${trainable(torch)} in PyTorch` : ''}`);
  return rows.filter((row) => row[5] === 'DIFFERENT').map((row) => row[0]);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [format(header), ...rows.map(format)].join('\n');
}

/**
 * The k-means assignment product (50,000 points × 256 dims by 256 × 1,000 centroids) in row blocks of 10,000, as
 * the k-means engines tile it: a whole 50,000 × 1,000 product is 200 MB, more than one storage-buffer binding
 * holds on many GPUs (lavapipe: 128 MiB). Results are read asynchronously (WebGPU has no synchronous read).
 */
async function kmeansMatMulGflops(): Promise<number> {
  const [points, dims, centroids, block, repeats] = [50_000, 256, 1000, 10_000, 3];
  const blocks = Array.from({ length: points / block }, () => tf.randomUniform([block, dims]));
  const b = tf.randomUniform([dims, centroids]);
  const product = async () => {
    for (const a of blocks) {
      const out = tf.matMul(a, b);
      await out.data();
      out.dispose();
    }
  };
  await product(); // warm-up: XNNPACK packs b once per operator; WebGPU compiles its shaders
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await product();
    times.push(performance.now() - started);
  }
  tf.dispose([...blocks, b]);
  return (2 * points * dims * centroids) / (median(times) / 1000) / 1e9;
}

if (options.native) process.env.KTLAB_NATIVE = options.native;
const info = await selectBackend({ prefer: options.backend }, pino({ level: 'silent' })).catch((error: Error) => {
  console.error(`train --backend ${options.backend}: ${error.message}`);
  process.exit(1);
});
const threads = info.threads;
// On webgpu the peer trains on CUDA where this host has it; the CPU's FMA peak says nothing about a GPU.
const onGpu = info.name === 'webgpu';
const peak = onGpu ? undefined : nominalPeakGflops(threads);
let highestShareOfPeak = 0;
console.log(`CPU: ${describeCpuHost()}`);
// Both sides can be held to a narrower ISA than the host's to measure another machine class on this one:
// OPENBLAS_CORETYPE=Haswell for ktlab's GEMM, ONEDNN_MAX_CPU_ISA=AVX2 for oneDNN (ktlab's and PyTorch's),
// ATEN_CPU_CAPABILITY=avx2 for PyTorch.
const isaLimits = ['OPENBLAS_CORETYPE', 'ONEDNN_MAX_CPU_ISA', 'ATEN_CPU_CAPABILITY'].filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
if (isaLimits.length) console.log(`ISA limited by the environment (both sides inherit it): ${isaLimits.join(' ')}`);
console.log(
  `ktlab backend: ${info.name} (${threads} threads, simd ${info.simd}${info.nativeGemm ? `, native ${info.nativeGemm}` : ''}); ` +
    `PyTorch peer: ${threads} threads (torch.set_num_threads, OMP/MKL/OPENBLAS_NUM_THREADS)`,
);
if (onGpu && info.adapter) {
  console.log(`GPU adapter: ${adapterLabel(info.adapter)}${info.adapter.software ? ' — a software adapter: correctness only, its times say nothing about a GPU' : ''}`);
  console.log('PyTorch peer: on CUDA when torch sees a GPU on this host (float32, TF32 off), else on the CPU (said below)');
} else {
  console.log(peak ? `nominal fp32 FMA peak: ${peak.gflops.toFixed(0)} GFLOP/s = ${peak.basis}` : 'nominal fp32 FMA peak: unknown for this CPU');
}
console.log(
  `${options.warmup} warm-up steps per side, then ${options.rounds} alternating rounds (ktlab, PyTorch, …) of ${options.steps} timed steps; ` +
    'a round counts its median step, a side the median of its rounds.',
);
console.log(`machine load (1/5/15 min) at start: ${machineLoad()}\n`);

const rows: string[][] = [];
const ratios: number[] = [];
let peerProblem: string | undefined;
let torchVersion: string | undefined;
let peerDevice: string | undefined;
for (const name of options.nets) {
  const net = buildPipelineNet(name);
  const layers = describeLayers(net.model);
  const flopsPerStep = net.batch * trainingFlopsPerExample(layers);
  console.log(`${net.name} — ${net.role}, batch ${net.batch}, ${(flopsPerStep / 1e9).toFixed(1)} GFLOP per training step`);
  const session = trainingSession(net);
  const step = session.step;
  for (let i = 0; i < options.warmup; i++) await step();
  if (options.profile) console.log(`${formatStepProfile(await profileTrainingStep(net.name, net.batch, step))}\n`);

  const peer = await TorchPeer.start(net, threads, onGpu ? 'auto' : 'cpu');
  if ('problem' in peer) peerProblem = peer.problem;
  else {
    torchVersion = `${peer.ready.torch}${peer.ready.mkldnn && peer.ready.device === 'CPU' ? ' with oneDNN' : ''}`;
    if (peer.ready.device !== peerDevice) console.log(`PyTorch peer on ${peer.ready.device}${peer.ready.cuda_unavailable_reason ? ` (${peer.ready.cuda_unavailable_reason})` : ''}`);
    peerDevice = peer.ready.device;
  }
  const differences = compareLayers(net.name, layers, 'problem' in peer ? undefined : peer.ready.layers);
  if (differences.length > 0) {
    if (!('problem' in peer)) peer.kill();
    console.error(`\n${net.name}: the PyTorch net differs from the pipeline's at ${differences.join(', ')}; fix tools/bench/peers/train.py`);
    process.exit(1);
  }

  const rate = (stepTimes: number[]) => (1000 * net.batch) / median(stepTimes);
  const ktlabRates: number[] = [];
  const torchRates: number[] = [];
  const loads: number[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const times: number[] = [];
    for (let i = 0; i < options.steps; i++) {
      const started = performance.now();
      const loss = await step();
      times.push(performance.now() - started);
      if (!Number.isFinite(loss)) throw new Error(`${net.name}: loss became ${loss}`);
    }
    const ktlabRate = rate(times);
    const torchRate = 'problem' in peer ? undefined : rate(await peer.round(options.steps));
    const load = loadavg()[0];
    ktlabRates.push(ktlabRate);
    if (torchRate !== undefined) torchRates.push(torchRate);
    loads.push(load);
    const pair = torchRate === undefined ? '' : `, pytorch ${torchRate.toFixed(1)} (ratio ${(ktlabRate / torchRate).toFixed(2)})`;
    console.log(`${net.name} round ${round}: ktlab ${ktlabRate.toFixed(1)} ${net.unit}/s${pair}; load ${load.toFixed(1)}`);
  }
  const torchEnd = 'problem' in peer ? undefined : await peer.quit();
  session.dispose();

  const ktlabRate = median(ktlabRates);
  const torchRate = torchRates.length ? median(torchRates) : undefined;
  const ratio = torchRate ? ktlabRate / torchRate : undefined;
  if (ratio !== undefined) ratios.push(ratio);
  const gflops = (perSecond: number) => (perSecond * flopsPerStep) / net.batch / 1e9;
  const ofPeak = (perSecond: number) => {
    if (!peak) return 'n/a';
    const share = gflops(perSecond) / peak.gflops;
    highestShareOfPeak = Math.max(highestShareOfPeak, share);
    return `${(100 * share).toFixed(0)}%`;
  };
  rows.push([
    `${net.name} (batch ${net.batch})`,
    `${ktlabRate.toFixed(1)} ${net.unit}/s`,
    torchRate ? `${torchRate.toFixed(1)} ${net.unit}/s` : 'n/a',
    ratio?.toFixed(2) ?? 'n/a',
    `${((1000 * net.batch) / ktlabRate).toFixed(0)} / ${torchRate ? ((1000 * net.batch) / torchRate).toFixed(0) : 'n/a'}`,
    `${gflops(ktlabRate).toFixed(1)} / ${torchRate ? gflops(torchRate).toFixed(1) : 'n/a'}`,
    `${ofPeak(ktlabRate)} / ${torchRate ? ofPeak(torchRate) : 'n/a'}`,
    `${peakRssMb().toFixed(0)} / ${torchEnd ? torchEnd.peakRssMb.toFixed(0) : 'n/a'}`,
    `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`,
  ]);
  console.log('');
}

console.log(
  table(['net', `ktlab ${info.name}`, `pytorch ${torchVersion ?? ''}${peerDevice ? ` on ${peerDevice}` : ''}`.trim(), 'ratio', 'step ms k/pt', 'GFLOP/s k/pt', 'of peak k/pt', 'peak RSS MB k/pt', 'load (1 min)'], rows),
);
console.log('(GFLOP/s: conv and dense layers, forward + backward; ktlab peak RSS is the process peak so far: it includes the nets measured before)');
if (peak && highestShareOfPeak > 1) {
  console.log(`(a share above 100%: the cores ran faster than the clock the peak assumes, ${peak.clock}; a virtual machine often reports its base clock, not its boost clock)`);
}
if (peerProblem) console.log(`\nPyTorch peer unavailable — ${peerProblem}`);

console.log(`machine load (1/5/15 min) at end: ${machineLoad()}`);
console.log(`\nk-means matmul (50000×256 · 256×1000, in blocks of 10000 rows) on ${info.name}: ${(await kmeansMatMulGflops()).toFixed(1)} GFLOP/s`);
const peerSuffix = peerDevice?.startsWith('CUDA') ? '_cuda' : '';
console.log(`train: ratio_vs_pytorch${peerSuffix}=${ratios.length === options.nets.length ? Math.min(...ratios).toFixed(2) : 'n/a'}`);
process.exit(0);
