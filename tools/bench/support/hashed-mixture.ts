/**
 * Synthetic k-means data that both sides of the GPU k-means bench build bit for bit alike, at any size: row r
 * is `centers[c(r)] + s(r) · pool[p(r)]`, with a component c, a noise row p of a fixed pool and a scale
 * s ∈ [0.5, 1.5) chosen by an integer hash of r. Only the small centers and pool (seeded normals) travel to
 * the peer as .npy; each side then makes the 1.3M × 8192 rows of the paper scale (42.6 GB) itself, block by
 * block, and the two sides cluster identical points from identical initial centroids (the first k rows).
 * The same construction in numpy/torch: tools/bench/peers/kmeans_torch.py.
 */
import { Xoshiro128Float53 } from '@ktlab/random';

export const POOL_ROWS = 1024;

/** A 32-bit integer mix (murmur3's finaliser) of `row` and `salt`. */
export function mixRow(row: number, salt: number): number {
  let x = (Math.imul(row, 0x9e3779b1) + salt) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

export interface HashedMixture {
  dims: number;
  /** components × dims, normal × spread 1. */
  centers: Float32Array;
  /** POOL_ROWS × dims, normal × 0.5. */
  pool: Float32Array;
}

export function hashedMixture(dims: number, components: number, seed = 42): HashedMixture {
  const random = new Xoshiro128Float53(seed);
  const centers = Float32Array.from({ length: components * dims }, () => random.nextNormal());
  const pool = Float32Array.from({ length: POOL_ROWS * dims }, () => random.nextNormal() * 0.5);
  return { dims, centers, pool };
}

/** Writes rows `first … first + out.length/dims − 1` of the mixture into `out`. */
export function fillRows(mixture: HashedMixture, first: number, out: Float32Array): void {
  const { dims, centers, pool } = mixture;
  const components = centers.length / dims;
  const rows = out.length / dims;
  for (let i = 0; i < rows; i++) {
    const row = first + i;
    const center = (mixRow(row, 1) % components) * dims;
    const noise = (mixRow(row, 2) % POOL_ROWS) * dims;
    const scale = 0.5 + (mixRow(row, 3) % 1024) / 1024;
    const target = i * dims;
    // In float64, then rounded once to float32 on store: numpy's float64 path gives the same bits.
    for (let d = 0; d < dims; d++) out[target + d] = centers[center + d] + scale * pool[noise + d];
  }
}

/** All `rows` rows, in blocks of at most `blockBytes` (one typed array cannot hold 42.6 GB). */
export function mixtureBlocks(mixture: HashedMixture, rows: number, blockBytes = 2 ** 30): Float32Array[] {
  const blockRows = Math.max(1, Math.floor(blockBytes / (mixture.dims * 4)));
  const blocks: Float32Array[] = [];
  for (let first = 0; first < rows; first += blockRows) {
    const block = new Float32Array(Math.min(blockRows, rows - first) * mixture.dims);
    fillRows(mixture, first, block);
    blocks.push(block);
  }
  return blocks;
}
