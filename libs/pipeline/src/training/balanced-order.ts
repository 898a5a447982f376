/**
 * Sampling order for one epoch. Class-balanced (deepcluster's uniform-over-labels sampler): every label gets
 * the same share of the epoch, drawn with replacement inside small clusters, so a few huge clusters do not
 * dominate training on pseudo-labels. Otherwise a plain seeded shuffle.
 */
import { shuffleIndices } from '@ktlab/data';
import { Sfc32 } from '@ktlab/random';


export function epochOrder(labels: Int32Array, seed: number, balanced: boolean): Int32Array {
  const n = labels.length;
  if (!balanced) return shuffleIndices(n, seed);
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = byLabel.get(labels[i]);
    if (list) list.push(i);
    else byLabel.set(labels[i], [i]);
  }
  const groups = [...byLabel.keys()].sort((a, b) => a - b).map((label) => byLabel.get(label)!);
  const random = new Sfc32(seed);
  const perGroup = Math.ceil(n / groups.length);
  const order = new Int32Array(perGroup * groups.length);
  let k = 0;
  for (const group of groups) {
    for (let j = 0; j < perGroup; j++) order[k++] = group[random.nextInt(group.length)];
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.subarray(0, n);
}
