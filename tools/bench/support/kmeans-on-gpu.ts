/**
 * `npm run bench -- kmeans --backend webgpu`: ktlab's k-means on the WebGPU device (WebGpuDistanceEngine, the
 * engine a GPU worker's pipeline uses, points kept on the device across iterations) against PyTorch on the same
 * host — on its GPU through CUDA when `torch.cuda.is_available()`, else on the CPU, which the output says. Both
 * sides cluster the same points (tools/bench/support/hashed-mixture.ts, built on each side from a shared seed)
 * from the same first-k-rows initialisation; the times include copying the points from host memory to the
 * device, on both sides. A software adapter (lavapipe) runs it for correctness only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fitKMeans, WebGpuDistanceEngine, writeNpy, type GpuDeviceLike } from '@ktlab/kmeans';
import { adapterLabel, registerWebGpuBackend } from '@ktlab/tf-backend';
import { fillRows, hashedMixture, mixtureBlocks, POOL_ROWS } from './hashed-mixture';
import { median } from './statistics';
import { PEER_PYTHON as PYTHON } from './peer-python';

const peerScript = fileURLToPath(new URL('../peers/kmeans_torch.py', import.meta.url));

export interface GpuKMeansBenchOptions {
  rows: number;
  dims: number;
  k: number;
  iterations: number;
  repeats: number;
  threads: number;
  components: number;
  /** The goal for ktlab's median time at this size, in seconds, if the issue sets one. */
  goalSeconds?: number;
}

interface PeerResult {
  torch_version: string;
  device: 'cuda' | 'cpu';
  device_name: string;
  cuda_unavailable_reason: string | null;
  generate_seconds: number;
  seconds: number[];
  objective: number[];
  spot: [number[], number[]];
}

function torchAvailable(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return `PyTorch peer unavailable: ${PYTHON} cannot import torch/numpy (Debian: apt-get install -y python3-torch python3-numpy)`;
  }
}

const size = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`);
const tflops = (o: GpuKMeansBenchOptions, seconds: number) => (2 * o.rows * o.k * o.dims * o.iterations) / seconds / 1e12;

export async function benchKMeansOnGpu(o: GpuKMeansBenchOptions): Promise<void> {
  let runtime: Awaited<ReturnType<typeof registerWebGpuBackend>>;
  try {
    runtime = await registerWebGpuBackend({ allowSoftware: true });
  } catch (error) {
    console.error(`kmeans --backend webgpu: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const adapter = adapterLabel(runtime.adapter);
  const teraflop = (2 * o.rows * o.k * o.dims * o.iterations) / 1e12;
  console.log(`k-means bench on webgpu: ${o.rows}×${o.dims} → k=${o.k}, ${o.iterations} iterations (${teraflop.toFixed(teraflop < 1 ? 3 : 1)} TFLOP), ${o.repeats} repeat(s)`);
  console.log(`adapter: ${adapter}${runtime.adapter.software ? ' — a software adapter: these times say nothing about a GPU; correctness only' : ''}`);

  const mixture = hashedMixture(o.dims, o.components);
  const workDir = await mkdtemp(join(tmpdir(), 'ktlab-bench-kmeans-gpu-'));
  try {
    const unavailable = torchAvailable();
    let peer: PeerResult | undefined;
    // The peer runs first, while this process holds only the small centers and pool: at the paper scale each
    // side's points take 42.6 GB of host memory.
    if (unavailable) {
      console.log(unavailable);
    } else {
      const centers = join(workDir, 'centers.npy');
      const pool = join(workDir, 'pool.npy');
      await writeNpy(centers, mixture.centers, [o.components, o.dims]);
      await writeNpy(pool, mixture.pool, [POOL_ROWS, o.dims]);
      const configPath = join(workDir, 'config.json');
      await writeFile(configPath, JSON.stringify({ centers, pool, rows: o.rows, k: o.k, iterations: o.iterations, repeats: o.repeats, threads: o.threads }));
      const output = execFileSync(PYTHON, [peerScript, configPath], {
        encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: { ...process.env, OMP_NUM_THREADS: String(o.threads) }, stdio: ['ignore', 'pipe', 'inherit'],
      });
      peer = JSON.parse(output) as PeerResult;
      console.log(`peer: PyTorch ${peer.torch_version} on ${peer.device === 'cuda' ? `CUDA (${peer.device_name})` : `the CPU (${peer.device_name}): ${peer.cuda_unavailable_reason}`}; its points made in ${peer.generate_seconds.toFixed(1)} s`);
    }

    const generateStart = performance.now();
    const blocks = mixtureBlocks(mixture, o.rows);
    console.log(`ktlab's points made in ${((performance.now() - generateStart) / 1000).toFixed(1)} s (${blocks.length} block(s), ${size(o.rows * o.dims * 4)})`);
    if (peer) {
      const lastRow = new Float32Array(o.dims);
      fillRows(mixture, o.rows - 1, lastRow);
      const mine = [Array.from(blocks[0].subarray(0, 4)), Array.from(lastRow.subarray(0, 4))];
      if (JSON.stringify(mine) !== JSON.stringify(peer.spot)) throw new Error(`the peer built other points than ktlab: ${JSON.stringify(peer.spot)} vs ${JSON.stringify(mine)}`);
    }

    const engine = new WebGpuDistanceEngine(runtime.device as unknown as GpuDeviceLike, { maxResidentBytes: o.rows * o.dims * 4 });
    const seconds: number[] = [];
    let objective: number[] = [];
    let resident = 0;
    let sumsOnDevice = false;
    try {
      for (let repeat = 0; repeat < o.repeats; repeat++) {
        const init = blocks[0].slice(0, o.k * o.dims);
        const start = performance.now();
        const fit = await fitKMeans(blocks, o.dims, {
          k: o.k, iterations: o.iterations, init, maxPointsPerCentroid: 0, engine,
          onIteration: () => {
            resident = engine.residentBytes;
            sumsOnDevice = engine.sumsOnDevice;
          },
        });
        seconds.push((performance.now() - start) / 1000);
        objective = fit.history.map((m) => m.inertia);
      }
    } finally {
      await engine.dispose();
    }

    const fmt = (v: number, digits = 3) => v.toFixed(digits);
    console.log(`\npoints kept on the device during the fit: ${size(resident)} of ${size(o.rows * o.dims * 4)}; cluster sums on the device: ${sumsOnDevice ? 'yes' : 'no (on the CPU: k×dims exceeds one binding)'}`);
    console.log('\n| side | device | time (s, median) | TFLOP/s | final inertia |');
    console.log('|---|---|---|---|---|');
    const mine = median(seconds);
    console.log(`| ktlab webgpu | ${adapter} | ${fmt(mine)} | ${fmt(tflops(o, mine), 2)} | ${objective.at(-1)!.toExponential(6)} |`);
    let ratio = Number.NaN;
    if (peer) {
      const theirs = median(peer.seconds);
      ratio = mine / theirs;
      console.log(`| PyTorch ${peer.device} | ${peer.device_name} | ${fmt(theirs)} | ${fmt(tflops(o, theirs), 2)} | ${peer.objective.at(-1)!.toExponential(6)} |`);
      const inertiaDiff = Math.abs(objective.at(-1)! - peer.objective.at(-1)!) / peer.objective.at(-1)!;
      console.log(`\ntime ratio ktlab/PyTorch ${peer.device}: ${fmt(ratio, 2)}; final inertia relative difference ${(inertiaDiff * 100).toFixed(4)}% (same points, same init; differs once a cluster empties)`);
      console.log(`per-iteration inertia ktlab:   ${objective.map((v) => v.toExponential(4)).join(' ')}`);
      console.log(`per-iteration inertia PyTorch: ${peer.objective.map((v) => v.toExponential(4)).join(' ')}`);
    }
    if (o.goalSeconds !== undefined) {
      const verdict = runtime.adapter.software ? 'not judged on a software adapter' : mine < o.goalSeconds ? 'met' : 'NOT met';
      console.log(`goal: < ${o.goalSeconds} s — ${verdict} (${fmt(mine, 1)} s)`);
    }
    console.log(`kmeans: time_ratio_vs_torch_${peer?.device ?? 'cuda'}=${Number.isFinite(ratio) ? ratio.toFixed(3) : 'n/a'}`);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
