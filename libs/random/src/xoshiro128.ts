/**
 * xoshiro128** (Blackman & Vigna, 2018): a small, fast, seedable PRNG with 32-bit state words, so every step
 * is plain int32 arithmetic in JS. Its 128-bit state is filled by splitmix32 from the seed.
 *
 * Two ways to turn the same 32-bit stream into floats and integers, each kept because existing results
 * (puzzle batches, clusterings) were produced with it:
 *   - `Xoshiro128`: one word per draw (32-bit floats, multiply-shift integers); the jigsaw sampler.
 *   - `Xoshiro128Float53`: two words per float (53 bits), integers from those floats, plus normal deviates
 *     and index samples; the k-means statistics (subsets, initialisation, PCA).
 */
import type { RandomSource } from './random-source';
import { splitmix32 } from './splitmix32';

export class Xoshiro128 implements RandomSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** Any number works as a seed; only its low 32 bits count (use `mixSeed` to combine wider seed words). */
  constructor(seed: number) {
    let state = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = splitmix32(state);
      state = step.state;
      words.push(step.value | 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // The all-zero state is the one fixed point of xoshiro; four splitmix32 values cannot all be zero, but guard.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /**
   * Uniform integer in [0, bound). Multiply-shift without rejection: the bias is at most bound / 2^32, far below
   * anything sampling a few dozen offsets per puzzle could notice.
   */
  nextInt(bound: number): number {
    return Math.floor((this.nextUint32() * bound) / 0x1_0000_0000);
  }
}

/** The `Xoshiro128` stream with 53-bit floats (two words each), integers drawn from them, normals and samples. */
export class Xoshiro128Float53 extends Xoshiro128 {
  private spareNormal: number | undefined;

  /** Uniform in [0, 1) with 53 random bits. */
  override nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform integer in [0, bound), from one 53-bit float. */
  override nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }

  /** Standard normal deviate (Box–Muller; every second call returns the spare of the pair). */
  nextNormal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** `count` distinct integers from [0, population), in random order (partial Fisher–Yates). */
  sampleIndices(population: number, count: number): Int32Array {
    if (count > population) throw new RangeError(`cannot sample ${count} distinct indices from ${population}`);
    const chosen = new Int32Array(count);
    // Sparse Fisher–Yates: only the swapped positions are remembered, so large populations cost O(count).
    const swapped = new Map<number, number>();
    for (let i = 0; i < count; i++) {
      const j = i + this.nextInt(population - i);
      const atJ = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      chosen[i] = atJ;
    }
    return chosen;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
