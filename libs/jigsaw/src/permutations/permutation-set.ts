/** Number of tiles in a 3x3 jigsaw puzzle. */
export const TILE_COUNT = 9;

/**
 * An ordered set of permutations of the 9 tiles; a puzzle's label is the index of its permutation here.
 *
 * `orders[i * 9 + slot]` is the (0-indexed) original grid cell whose tile is shown at `slot` when
 * permutation `i` is applied, the convention of the paper's data layers (`tiles[perm[slot]]`).
 */
export interface PermutationSet {
  readonly size: number;
  readonly orders: Uint8Array;
}

/** Builds a set from 0-indexed orders, checking each row is a permutation of 0..8 and rows are unique. */
export function createPermutationSet(orders: Uint8Array): PermutationSet {
  if (orders.length === 0 || orders.length % TILE_COUNT !== 0) {
    throw new Error(`permutation orders must hold a positive multiple of ${TILE_COUNT} entries, got ${orders.length}`);
  }
  const size = orders.length / TILE_COUNT;
  const seen = new Set<string>();
  for (let i = 0; i < size; i++) {
    const row = orders.subarray(i * TILE_COUNT, (i + 1) * TILE_COUNT);
    if (!isPermutation(row)) throw new Error(`permutation ${i} is not a permutation of 0..8: [${row.join(', ')}]`);
    const key = row.join(',');
    if (seen.has(key)) throw new Error(`permutation ${i} repeats an earlier one: [${row.join(', ')}]`);
    seen.add(key);
  }
  return { size, orders };
}

/** The order of permutation `index` (a view, not a copy). */
export function permutationAt(set: PermutationSet, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= set.size) {
    throw new RangeError(`permutation index ${index} is outside 0..${set.size - 1}`);
  }
  return set.orders.subarray(index * TILE_COUNT, (index + 1) * TILE_COUNT);
}

/** The members of `set` at `indices`, in that order, as a set of their own (a copy). */
export function permutationSubset(set: PermutationSet, indices: ArrayLike<number>): PermutationSet {
  const orders = new Uint8Array(indices.length * TILE_COUNT);
  for (let k = 0; k < indices.length; k++) orders.set(permutationAt(set, indices[k]!), k * TILE_COUNT);
  return createPermutationSet(orders);
}

function isPermutation(row: Uint8Array): boolean {
  let seenMask = 0;
  for (const cell of row) {
    if (cell >= TILE_COUNT) return false;
    seenMask |= 1 << cell;
  }
  return seenMask === (1 << TILE_COUNT) - 1;
}
