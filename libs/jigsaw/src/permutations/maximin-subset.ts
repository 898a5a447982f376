/**
 * Well-separated subsets of a permutation set, for a curriculum that starts the pretext on fewer classes and grows
 * the set: greedy maximin on the minimum Hamming distance, over the set's own members. Deterministic: it starts
 * from member 0 and breaks ties by the lowest index, so a run and its resume draw from the same subsets.
 */
import { hammingDistance } from './hamming';
import { permutationAt, TILE_COUNT, type PermutationSet } from './permutation-set';

/**
 * The first `count` members of the set in greedy maximin order: each is the member farthest from its nearest
 * predecessor. Every prefix of the order is a well-separated subset (a curriculum grows its pool along it).
 */
export function maximinOrder(set: PermutationSet, count = set.size): Int32Array {
  if (!Number.isInteger(count) || count < 1 || count > set.size) {
    throw new RangeError(`a subset of ${count} permutations cannot be chosen from a set of ${set.size}`);
  }
  const nearest = new Int32Array(set.size).fill(TILE_COUNT + 1); // above any distance (0..9)
  const chosen = new Uint8Array(set.size);
  const order = new Int32Array(count);
  let next = 0;
  for (let k = 0; k < count; k++) {
    order[k] = next;
    chosen[next] = 1;
    const picked = permutationAt(set, next);
    let best = -1;
    for (let i = 0; i < set.size; i++) {
      if (chosen[i]) continue;
      const distance = hammingDistance(picked, permutationAt(set, i));
      if (distance < nearest[i]!) nearest[i] = distance;
      if (best < 0 || nearest[i]! > nearest[best]!) best = i;
    }
    next = best;
  }
  return order;
}

/** Indices into `set` (ascending) of `count` members chosen to keep the closest pair as far apart as possible. */
export function maximinSubset(set: PermutationSet, count: number): Int32Array {
  return maximinOrder(set, count).sort();
}
