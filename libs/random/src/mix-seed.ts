import { splitmix32 } from './splitmix32';

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
