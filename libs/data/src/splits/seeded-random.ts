/** A reproducible stream of random numbers (sfc32, seeded through splitmix32 so nearby seeds diverge at once). */
export interface SeededRandom {
  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, bound), bound ≤ 2³², without modulo bias. */
  nextInt(bound: number): number;
}

function splitmix32(state: number): () => number {
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer, got ${seed}`);
  const mix = splitmix32((seed ^ Math.floor(seed / 2 ** 32)) | 0);
  let a = mix();
  let b = mix();
  let c = mix();
  let counter = 1;
  const nextUint32 = (): number => {
    const out = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + out) | 0;
    return out >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    next: () => nextUint32() / 2 ** 32,
    nextInt(bound: number): number {
      if (!Number.isInteger(bound) || bound < 1 || bound > 2 ** 32) throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`);
      // Reject the top partial block of 2^32 so every residue is equally likely.
      const limit = 2 ** 32 - (2 ** 32 % bound);
      let value = nextUint32();
      while (value >= limit) value = nextUint32();
      return value % bound;
    },
  };
}
