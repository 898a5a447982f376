/**
 * `npm run bench -- puzzles [--images 3000] [--size 32] [--batch 256] [--repeats 5] [--no-train]`
 *
 * Jigsaw++ puzzle throughput on real CIFAR-10 train images: ktlab's PuzzleSampler on the main thread (what the
 * pipeline's pretext stage runs), the PuzzleSource worker pool (1 and 2 workers; the pipeline does not use it), and
 * the numpy peer (tools/bench/peers/puzzles.py, written like the paper's Python data layer), single-threaded like
 * the main-thread sampler. Medians over repeats; the last line compares the pipeline's path with the peer:
 * `puzzles: ratio_vs_numpy=<main-thread sampler / numpy>` (`puzzles: puzzles_per_s=<sampler>` without numpy).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { sharedDir } from '@ktlab/config/paths';
import { describeCpuHost } from '@ktlab/tf-backend';
import { generateMaximinPermutations, PuzzleSampler, readPermutationFile, type ImageStack, type PermutationSet } from '@ktlab/jigsaw';
import { loadCifarTrainSample } from '../figures/cifar-train-sample';
import { BatchOrder } from './support/puzzle-source/batch-order';
import { PuzzleSource, shareImageStack } from './support/puzzle-source/puzzle-source';
import { median } from './support/statistics';
import { PEER_PYTHON as PYTHON } from './support/peer-python';

const sharedRoot = sharedDir();

const options = new Command()
  .option('--images <n>', 'CIFAR-10 train images to load', (v) => Number.parseInt(v, 10), 3000)
  .option('--size <px>', 'working image size (CIFAR is 32; larger sizes are upscaled by sharp)', (v) => Number.parseInt(v, 10), 32)
  .option('--batch <n>', 'puzzles per batch', (v) => Number.parseInt(v, 10), 256)
  .option('--batches <n>', 'batches per timed repeat', (v) => Number.parseInt(v, 10), 50)
  .option('--repeats <n>', 'timed repeats (the median is reported)', (v) => Number.parseInt(v, 10), 5)
  .option('--occluded <n>', 'Jigsaw++ maximum occluded tiles', (v) => Number.parseInt(v, 10), 2)
  .option('--no-train', "skip the last row, the pipeline's Jigsaw net training rate (minutes of a CPU at full width)")
  .parse(process.argv)
  .opts<{ images: number; size: number; batch: number; batches: number; repeats: number; occluded: number; train: boolean }>();

async function loadPermutations(): Promise<{ set: PermutationSet; from: string }> {
  const reference = join(sharedRoot, 'reference', 'permutations_701.bin');
  if (existsSync(reference)) return { set: await readPermutationFile(reference), from: 'reference permutations_701.bin' };
  return { set: generateMaximinPermutations({ count: 701, seed: 0 }), from: 'generated maximin 701-set' };
}

function timeSingleThread(sampler: PuzzleSampler, order: BatchOrder): number[] {
  const rates: number[] = [];
  let batchIndex = 0;
  sampler.sample(order.indicesOf(batchIndex), 0, batchIndex++); // warm-up (JIT)
  for (let r = 0; r < options.repeats; r++) {
    const start = performance.now();
    for (let i = 0; i < options.batches; i++) sampler.sample(order.indicesOf(batchIndex), 0, batchIndex++);
    rates.push((options.batches * options.batch) / ((performance.now() - start) / 1000));
  }
  return rates;
}

async function timePool(images: ImageStack, permutations: PermutationSet, workers: number): Promise<number[]> {
  const source = new PuzzleSource({
    images,
    permutations,
    config: { maxOccluded: options.occluded },
    batchSize: options.batch,
    seed: 0,
    workers,
  });
  try {
    for (let i = 0; i < 2 * workers; i++) await source.next(); // workers started and JIT-warm
    const rates: number[] = [];
    for (let r = 0; r < options.repeats; r++) {
      const start = performance.now();
      for (let i = 0; i < options.batches; i++) await source.next();
      rates.push((options.batches * options.batch) / ((performance.now() - start) / 1000));
    }
    return rates;
  } finally {
    await source.close();
  }
}

type PeerResult = { rates: number[]; note: string } | { missing: string };

async function timeNumpyPeer(images: ImageStack): Promise<PeerResult> {
  if (!existsSync(PYTHON)) return { missing: `${PYTHON} not found: apt-get install -y python3 python3-numpy` };
  const dir = await mkdtemp(join(tmpdir(), 'ktlab-bench-puzzles-'));
  try {
    const raw = join(dir, 'images.u8');
    await writeFile(raw, images.data);
    const peer = fileURLToPath(new URL('./peers/puzzles.py', import.meta.url));
    // The Python loop is ~100x slower per puzzle; fewer batches per repeat keep the run short.
    const batches = Math.max(1, Math.round(options.batches / 10));
    const output = execFileSync(
      PYTHON,
      [peer, '--images', raw, '--count', String(images.count), '--size', String(options.size), '--batch', String(options.batch),
        '--batches', String(batches), '--repeats', String(options.repeats), '--occluded', String(options.occluded)],
      // One thread, as the pipeline's sampler on the main thread.
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } },
    );
    const result = JSON.parse(output.trim().split('\n').pop()!) as { puzzles_per_s?: number[]; numpy?: string; missing?: string };
    if (result.missing) return { missing: `apt-get install -y ${result.missing}` };
    return { rates: result.puzzles_per_s!, note: `numpy ${result.numpy}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const loadStart = performance.now();
const images = shareImageStack(await loadCifarTrainSample(options.images, options.size));
const loadSeconds = (performance.now() - loadStart) / 1000;
const { set: permutations, from } = await loadPermutations();
const sampler = new PuzzleSampler({ images, permutations, config: { maxOccluded: options.occluded } });
const g = sampler.geometry;
console.log(
  `puzzles bench: ${images.count} CIFAR-10 train images at ${options.size}px (decoded in ${loadSeconds.toFixed(1)} s), ${from}, ` +
    `crop ${g.cropSize} / cell ${g.cellSize} / tile ${g.tileSize}, Jigsaw++ max ${options.occluded} occluded, ` +
    `batch ${options.batch}, ${options.repeats} repeats, ${describeCpuHost()} (timings are noisy when other jobs share the machine)`,
);

const single = timeSingleThread(sampler, new BatchOrder(0, options.batch, images.count));
const pool1 = await timePool(images, permutations, 1);
const pool2 = await timePool(images, permutations, 2);
const peer = await timeNumpyPeer(images);

const peerMedian = 'rates' in peer ? median(peer.rates) : undefined;
const rows: [string, number[] | undefined, string][] = [
  ['ktlab PuzzleSampler, main thread', single, "the pipeline's path"],
  ['ktlab PuzzleSource, 1 worker', pool1, 'not used by the pipeline'],
  ['ktlab PuzzleSource, 2 workers', pool2, 'not used by the pipeline'],
  ['numpy peer (paper-style Python layer)', 'rates' in peer ? peer.rates : undefined, 'rates' in peer ? peer.note : `missing: ${peer.missing}`],
];
const pad = (text: string, width: number) => text.padEnd(width);
console.log(`\n${pad('implementation', 40)}${pad('puzzles/s (median)', 20)}${pad('min..max', 22)}vs numpy`);
for (const [name, rates, note] of rows) {
  if (!rates) {
    console.log(`${pad(name, 40)}${pad('n/a', 20)}${pad('', 22)}${note}`);
    continue;
  }
  const m = median(rates);
  const range = `${Math.round(Math.min(...rates))}..${Math.round(Math.max(...rates))}`;
  const ratio = peerMedian ? `${(m / peerMedian).toFixed(1)}x` : 'n/a';
  console.log(`${pad(name, 40)}${pad(String(Math.round(m)), 20)}${pad(range, 22)}${ratio}${note ? `  (${note})` : ''}`);
}
// What generation has to keep up with: the pipeline's CC+Jigsaw++ pretext net (tools/bench/support/pipeline-nets.ts)
// training on the backend the trainer would pick, at the pipeline's batch size, median of a few steps after a warm-up.
async function jigsawTrainingRate(): Promise<{ backend: string; rate: number }> {
  const { selectBackend } = await import('@ktlab/tf-backend');
  const { buildPipelineNet, trainingSession } = await import('./support/pipeline-nets.js');
  const { pino } = await import('pino');
  const backend = await selectBackend({}, pino({ level: 'silent' }));
  const net = buildPipelineNet('jigsaw');
  const session = trainingSession(net);
  const rates: number[] = [];
  for (let step = 0; step < 4; step++) {
    const started = performance.now();
    await session.step();
    if (step > 0) rates.push(net.batch / ((performance.now() - started) / 1000));
  }
  session.dispose();
  return { backend: backend.name, rate: median(rates) };
}
if (options.train) {
  const trainRate = await jigsawTrainingRate();
  console.log(
    `${pad(`Jigsaw net training (${trainRate.backend})`, 40)}${pad(trainRate.rate.toFixed(1), 20)}${pad('', 22)}` +
      `the pipeline's puzzle generation (main thread) is ${Math.round(median(single) / trainRate.rate)}x faster than training consumes`,
  );
}
if ('missing' in peer) console.log(`\nnumpy peer skipped; install it with: ${peer.missing}`);
console.log(peerMedian ? `puzzles: ratio_vs_numpy=${(median(single) / peerMedian).toFixed(2)}` : `puzzles: puzzles_per_s=${Math.round(median(single))}`);
