/**
 * A small, fast, seedable PRNG: xoshiro128** (Blackman & Vigna, 2018), 32-bit state words so every step
 * is plain int32 arithmetic in JS. Its 128-bit state is filled by splitmix32 from the seed words, which
 * turns nearby seeds (batch 7 and batch 8 of one run) into unrelated streams.
 */

/** One splitmix32 step (state advanced by the golden-ratio increment, then avalanched). */
function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { state: next, value: (z ^ (z >>> 16)) >>> 0 };
}

/** Mixes any number of integer seed words (e.g. run seed, batch index) into one 32-bit stream seed. */
export function mixSeed(...words: number[]): number {
  let state = 0x6a09e667;
  let value = 0;
  for (const word of words) {
    if (!Number.isSafeInteger(word)) throw new Error(`seed words must be safe integers, got ${word}`);
    // Both halves of a (up to 53-bit) word take part, so seed 1 and seed 2**32 + 1 differ.
    const low = word % 0x1_0000_0000;
    const high = Math.floor(word / 0x1_0000_0000);
    for (const half of [low, high]) {
      ({ state, value } = splitmix32(state ^ (half | 0)));
      state = value | 0;
    }
  }
  return value >>> 0;
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    let state = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const step = splitmix32(state);
      state = step.state;
      words.push(step.value | 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // The all-zero state is the one fixed point of xoshiro; splitmix32 practically never yields it, but guard.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
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
   * Uniform integer in [0, n). Multiply-shift without rejection: the bias is at most n / 2^32, far below
   * anything sampling a few dozen offsets per puzzle could notice.
   */
  nextInt(n: number): number {
    return Math.floor((this.nextUint32() * n) / 0x1_0000_0000);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
