/**
 * Which images an evaluation was scored on, as people say it: the registered dataset's name (not its path), the
 * part of it used and how many images. Evaluation results name their test set as the pipeline's describeRef
 * writes it: `<path>[ (first-half|second-half)][ [<limit>]][ (held-out 20%)]`.
 */
export interface RegisteredDataset {
  name: string;
  location: string;
  imageCount: number | null;
}

export interface TestSet {
  /** The string the results carry (the key to group by). */
  dataset: string;
  /** e.g. "cifar10-test" or "cifar10-train, first 5,000, 20% held out". */
  label: string;
  /** Images scored; null when the dataset is not registered (its size is unknown to the portal). */
  images: number | null;
}

const HELD_OUT = ' (held-out 20%)';

/**
 * Part sizes of n split by these fractions, rounded by largest remainder as @ktlab/data's splitIndices does
 * (kept here so the API does not load the data library to count).
 */
export function splitSizes(n: number, fractions: readonly number[]): number[] {
  const exact = fractions.map((f) => f * n);
  const sizes = exact.map(Math.floor);
  const target = Math.min(n, Math.round(fractions.reduce((sum, f) => sum + f, 0) * n));
  const byRemainder = exact.map((value, part) => ({ part, remainder: value - Math.floor(value) })).sort((x, y) => y.remainder - x.remainder || x.part - y.part);
  for (let k = 0, missing = target - sizes.reduce((s, v) => s + v, 0); k < missing; k++) sizes[byRemainder[k % byRemainder.length].part]++;
  return sizes;
}

export function describeTestSet(dataset: string, registered: readonly RegisteredDataset[]): TestSet {
  let rest = dataset;
  const heldOut = rest.endsWith(HELD_OUT);
  if (heldOut) rest = rest.slice(0, -HELD_OUT.length);
  const limitMatch = / \[(\d+)\]$/.exec(rest);
  if (limitMatch) rest = rest.slice(0, limitMatch.index);
  const subsetMatch = / \((first-half|second-half)\)$/.exec(rest);
  if (subsetMatch) rest = rest.slice(0, subsetMatch.index);
  const match = registered.find((candidate) => candidate.location === rest || candidate.location.replace(/\/+$/, '') === rest.replace(/\/+$/, ''));

  let images = match?.imageCount ?? null;
  if (images !== null && subsetMatch) images = splitSizes(images, [0.5, 0.5])[subsetMatch[1] === 'first-half' ? 0 : 1];
  if (images !== null && limitMatch) images = Math.min(images, Number(limitMatch[1]));
  if (images !== null && heldOut) images = splitSizes(images, [0.8, 0.2])[1];

  const parts = [match?.name ?? rest];
  if (subsetMatch) parts.push(subsetMatch[1].replace('-', ' '));
  if (limitMatch) parts.push(`first ${Number(limitMatch[1]).toLocaleString('en-US')}`);
  if (heldOut) parts.push('20% held out');
  return { dataset, label: parts.join(', '), images };
}

/** The test sets of these results, once each, in order of first appearance. */
export function describeTestSets(datasets: readonly string[], registered: readonly RegisteredDataset[]): TestSet[] {
  return [...new Set(datasets)].map((dataset) => describeTestSet(dataset, registered));
}
