/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator), seeded through splitmix32 so nearby seeds
 * diverge at once. Integers are drawn without modulo bias (rejection), which the dataset splits and shuffles
 * built on it rely on.
 */
import type { RandomSource } from './random-source';
import { splitmix32 } from './splitmix32';

export class Sfc32 implements RandomSource {
  private a: number;
  private b: number;
  private c: number;
  private counter = 1;

  /** `seed` may be any safe integer; both its 32-bit halves take part. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
    let state = (seed ^ Math.floor(seed / 2 ** 32)) | 0;
    const words: number[] = [];
    for (let i = 0; i < 3; i++) {
      const step = splitmix32(state);
      state = step.state;
      words.push(step.value);
    }
    [this.a, this.b, this.c] = words as [number, number, number];
    // The first outputs still echo the seeding; skip them.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const out = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + out) | 0;
    return out >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, bound), bound ≤ 2³², without modulo bias. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`);
    // Reject the top partial block of 2^32 so every residue is equally likely.
    const limit = 2 ** 32 - (2 ** 32 % bound);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return value % bound;
  }
}
