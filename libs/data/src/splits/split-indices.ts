import { Sfc32 } from '@ktlab/random';

/** 0..n-1 in a random order fixed by `seed` (Fisher–Yates). */
export function shuffleIndices(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw new RangeError(`n must be an integer in 0..2^31-1, got ${n}`);
  const random = new Sfc32(seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/**
 * Splits 0..n-1 into disjoint random parts with the given fractions (summing to at most 1; when they sum to 1
 * every index lands in exactly one part). Part sizes are rounded by largest remainder so they add up exactly.
 * Each part is sorted ascending; the same (n, fractions, seed) always gives the same parts.
 */
export function splitIndices(n: number, fractions: readonly number[], seed: number): Int32Array[] {
  if (fractions.length === 0) throw new Error('splitIndices needs at least one fraction');
  if (fractions.some((f) => !Number.isFinite(f) || f < 0)) throw new Error(`fractions must be ≥ 0, got [${fractions.join(', ')}]`);
  const total = fractions.reduce((sum, f) => sum + f, 0);
  if (total > 1 + 1e-9) throw new Error(`fractions sum to ${total}, more than 1`);

  const exact = fractions.map((f) => f * n);
  const sizes = exact.map(Math.floor);
  const target = Math.min(n, Math.round(total * n));
  const byRemainder = exact.map((value, part) => ({ part, remainder: value - Math.floor(value) })).sort((x, y) => y.remainder - x.remainder || x.part - y.part);
  for (let k = 0, missing = target - sizes.reduce((s, v) => s + v, 0); k < missing; k++) sizes[byRemainder[k % byRemainder.length].part]++;

  const order = shuffleIndices(n, seed);
  const parts: Int32Array[] = [];
  let start = 0;
  for (const size of sizes) {
    parts.push(order.slice(start, start + size).sort());
    start += size;
  }
  return parts;
}

/** Two disjoint random halves (the paper's Table 2: cluster on one half, pseudo-label the other). */
export function halves(n: number, seed: number): [Int32Array, Int32Array] {
  const [first, second] = splitIndices(n, [0.5, 0.5], seed);
  return [first, second];
}
