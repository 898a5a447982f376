/**
 * Permutation-set generator: greedy maximin on the *minimum* Hamming distance.
 *
 * Each step adds, among all 9! orders, one whose distance to its nearest already-chosen permutation is
 * largest, uniformly at random among ties (seeded). The greedy on the mean distance used by the original
 * Jigsaw code keeps adding permutations that are far from most of the set but close to one member, and
 * stalls at a minimum distance of 2; maximin keeps the closest pair apart first.
 *
 * Evaluation is lazy: a candidate's nearest distance is only an upper bound until it is drawn, and it is
 * brought up to date (against the permutations chosen since its last check) only when it is a contender for
 * the top level. Candidates left far below the final level are never revisited, so the 701-set costs a small
 * fraction of the 701 × 9! distances an eager update would.
 */
import { z } from 'zod';
import { Xoshiro128 } from '@ktlab/random';
import { createPermutationSet, TILE_COUNT, type PermutationSet } from './permutation-set';
import { allOrders, ALL_ORDER_COUNT } from './all-orders';

export const maximinOptionsSchema = z.object({
  count: z.number().int().positive(),
  seed: z.number().int().safe().default(0),
  /** The paper's sets leave out the identity so no class is "unshuffled"; kept as the default. */
  excludeIdentity: z.boolean().default(true),
});
export type MaximinOptions = z.input<typeof maximinOptionsSchema>;

/** Bound of a candidate not compared with anything yet: above every real distance (0..9). */
const UNBOUNDED = TILE_COUNT + 1;

export function generateMaximinPermutations(options: MaximinOptions): PermutationSet {
  const { count, seed, excludeIdentity } = maximinOptionsSchema.parse(options);
  const available = ALL_ORDER_COUNT - (excludeIdentity ? 1 : 0);
  if (count > available) throw new Error(`cannot choose ${count} distinct permutations of 9 tiles: only ${available} exist`);

  const { orders, low, high } = allOrders();
  const rng = new Xoshiro128(seed);
  const levels = new LevelBuckets(ALL_ORDER_COUNT, UNBOUNDED);
  // allOrders() lists the identity first; level 0 is never drawn from.
  if (excludeIdentity) levels.moveDown(levels.positionOf(0), 0);
  const checked = new Uint32Array(ALL_ORDER_COUNT); // how many chosen permutations each bound accounts for
  const chosen: number[] = [];

  while (chosen.length < count) {
    const level = levels.topLevel();
    const position = levels.randomPosition(level, rng);
    const candidate = levels.candidateAt(position);
    let bound = level;
    for (let j = checked[candidate]!; j < chosen.length && bound > 0; j++) {
      const other = chosen[j]!;
      const distance = packedDistance(low[candidate]!, high[candidate]!, low[other]!, high[other]!);
      if (distance < bound) bound = distance;
    }
    checked[candidate] = chosen.length;
    if (bound < level) {
      levels.moveDown(position, bound); // no longer a contender at this level; draw again
      continue;
    }
    // Every other candidate's bound is ≤ level and bounds only fall, so this one is a maximin choice;
    // rejection of the stale ones makes it uniform among the true ties.
    chosen.push(candidate);
    levels.moveDown(position, 0);
  }

  const result = new Uint8Array(count * TILE_COUNT);
  chosen.forEach((candidate, k) => result.set(orders.subarray(candidate * TILE_COUNT, (candidate + 1) * TILE_COUNT), k * TILE_COUNT));
  return createPermutationSet(result);
}

/**
 * Hamming distance of two orders in the packed form of all-orders.ts: XOR the slot nibbles, fold each
 * nibble to its lowest bit, and sum those bits into the top nibble with one multiply.
 */
function packedDistance(lowA: number, highA: number, lowB: number, highB: number): number {
  const diff = lowA ^ lowB;
  const flags = (diff | (diff >>> 1) | (diff >>> 2) | (diff >>> 3)) & 0x11111111;
  return (Math.imul(flags, 0x11111111) >>> 28) + (highA === highB ? 0 : 1);
}

/**
 * Candidates kept in one array partitioned into contiguous segments by level, lowest level first
 * ([level 0 | level 1 | … | level max]). Lowering a candidate by one level is one swap with the first
 * element of its segment and moving that boundary up.
 */
class LevelBuckets {
  private readonly slots: Int32Array;
  private readonly positions: Int32Array;
  /** starts[l] = first position of level l; starts[maxLevel + 1] = size. */
  private readonly starts: Int32Array;

  constructor(size: number, private readonly maxLevel: number) {
    this.slots = Int32Array.from({ length: size }, (_, i) => i);
    this.positions = Int32Array.from({ length: size }, (_, i) => i);
    this.starts = new Int32Array(maxLevel + 2); // everything starts at maxLevel
    this.starts[maxLevel + 1] = size;
  }

  candidateAt(position: number): number {
    return this.slots[position]!;
  }

  positionOf(candidate: number): number {
    return this.positions[candidate]!;
  }

  /** Highest level above 0 with a candidate. */
  topLevel(): number {
    for (let level = this.maxLevel; level > 0; level--) if (this.starts[level + 1]! > this.starts[level]!) return level;
    throw new Error('internal: no candidates left above level 0');
  }

  randomPosition(level: number, rng: Xoshiro128): number {
    const start = this.starts[level]!;
    return start + rng.nextInt(this.starts[level + 1]! - start);
  }

  /** Moves the candidate at `position` down to `target` level. */
  moveDown(position: number, target: number): void {
    let level = this.levelAt(position);
    while (level > target) {
      const boundary = this.starts[level]!;
      this.swap(position, boundary);
      this.starts[level] = boundary + 1;
      position = boundary; // now the last element of level − 1
      level--;
    }
  }

  private levelAt(position: number): number {
    let level = this.maxLevel;
    while (this.starts[level]! > position) level--;
    return level;
  }

  private swap(a: number, b: number): void {
    const ca = this.slots[a]!;
    const cb = this.slots[b]!;
    this.slots[a] = cb;
    this.slots[b] = ca;
    this.positions[cb] = a;
    this.positions[ca] = b;
  }
}
