/**
 * `npm run bench -- hog [--images 10000] [--cell 8] [--repeats 3]`
 *
 * ktlab's pure-TypeScript Dalal–Triggs HOG against scikit-image's `skimage.feature.hog` (peers/hog.py) on the
 * same decoded CIFAR-10 train images (written once as raw uint8 and read by both), 9 bins, 2×2-cell blocks,
 * L2-Hys. Single-threaded on both sides. Medians over repeats. Last line: `hog: images_per_s=<ktlab>`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { hogFeatures } from '@ktlab/models';
import { loadCifarSample } from './support/load-cifar-sample';
import { median } from './support/statistics';
import { PEER_PYTHON as PYTHON } from './support/peer-python';

const peerScript = fileURLToPath(new URL('./peers/hog.py', import.meta.url));
const int = (v: string) => Number.parseInt(v, 10);

const options = new Command()
  .option('--images <n>', 'CIFAR-10 train images', int, 10_000)
  .option('--cell <n>', 'cell size in pixels', int, 8)
  .option('--repeats <n>', 'timed repeats (the median is reported)', int, 3)
  .parse(process.argv)
  .opts<{ images: number; cell: number; repeats: number }>();

function peerUnavailable(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import skimage, numpy'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return `skimage peer unavailable: ${PYTHON} cannot import skimage/numpy. Install with: apt-get install -y python3-skimage python3-numpy`;
  }
}

console.log(`HOG bench: ${options.images} CIFAR-10 images, ${options.cell}px cells, 2×2 blocks, 9 bins, ${options.repeats} repeats (machine shared: timings are noisy)`);
const images = await loadCifarSample('train', options.images);
const seconds: number[] = [];
let dims = 0;
for (let r = 0; r < options.repeats; r++) {
  const start = performance.now();
  dims = hogFeatures(images, { cellSize: options.cell }).dims;
  seconds.push((performance.now() - start) / 1000);
}
const ktlab = median(seconds);

let peer: { seconds: number; dims: number; version: string } | undefined;
const unavailable = peerUnavailable();
if (unavailable) {
  console.log(unavailable);
} else {
  const dir = await mkdtemp(join(tmpdir(), 'ktlab-bench-hog-'));
  try {
    const raw = join(dir, 'images.u8');
    await writeFile(raw, images.data);
    const output = execFileSync(PYTHON, [peerScript, raw, String(images.count), '32', String(options.cell), String(options.repeats)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    const parsed = JSON.parse(output) as { seconds: number[]; dims: number; version: string };
    peer = { seconds: median(parsed.seconds), dims: parsed.dims, version: parsed.version };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const rate = (s: number) => Math.round(images.count / s);
console.log('');
console.log('| side | dims | median s | images/s | 50k CIFAR-10 (s) |');
console.log('|---|---|---|---|---|');
console.log(`| ktlab hogFeatures | ${dims} | ${ktlab.toFixed(3)} | ${rate(ktlab)} | ${((50_000 * ktlab) / images.count).toFixed(1)} |`);
if (peer) {
  console.log(`| skimage ${peer.version} hog | ${peer.dims} | ${peer.seconds.toFixed(3)} | ${rate(peer.seconds)} | ${((50_000 * peer.seconds) / images.count).toFixed(1)} |`);
  console.log(`\nspeed ratio ktlab/skimage: ${(peer.seconds / ktlab).toFixed(2)}× (>1 means ktlab is faster)`);
}
console.log(`hog: images_per_s=${rate(ktlab)}`);
