/**
 * Agreement between pseudo-labels and ground-truth classes: normalised mutual information (arithmetic-mean
 * normalisation, as scikit-learn's default), adjusted Rand index and purity.
 */
export interface LabelAgreement {
  nmi: number;
  ari: number;
  purity: number;
}

interface Contingency {
  /** Flattened [key, count, key, count, ...] with key = clusterIndex·2²⁰ + classIndex. */
  cells: number[];
  clusterTotals: number[];
  classTotals: number[];
  n: number;
}

function contingency(predicted: ArrayLike<number>, truth: ArrayLike<number>): Contingency {
  if (predicted.length !== truth.length) {
    throw new RangeError(`predicted has ${predicted.length} labels but truth has ${truth.length}`);
  }
  const clusterIndex = new Map<number, number>();
  const classIndex = new Map<number, number>();
  const cellMap = new Map<number, number>();
  const clusterTotals: number[] = [];
  const classTotals: number[] = [];
  const n = predicted.length;
  for (let i = 0; i < n; i++) {
    let a = clusterIndex.get(predicted[i]);
    if (a === undefined) clusterIndex.set(predicted[i], (a = clusterTotals.push(0) - 1));
    let b = classIndex.get(truth[i]);
    if (b === undefined) classIndex.set(truth[i], (b = classTotals.push(0) - 1));
    clusterTotals[a]++;
    classTotals[b]++;
    const key = a * 0x100000 + b;
    cellMap.set(key, (cellMap.get(key) ?? 0) + 1);
  }
  return { cells: [...cellMap.entries()].flat(), clusterTotals, classTotals, n };
}

function entropy(totals: number[], n: number): number {
  let h = 0;
  for (const t of totals) if (t > 0) h -= (t / n) * Math.log(t / n);
  return h;
}

function choose2(x: number): number {
  return (x * (x - 1)) / 2;
}

export function labelAgreement(predicted: ArrayLike<number>, truth: ArrayLike<number>): LabelAgreement {
  const { cells, clusterTotals, classTotals, n } = contingency(predicted, truth);
  if (n === 0) throw new RangeError('cannot compare empty labelings');
  let mutualInformation = 0;
  let pairsInCells = 0;
  const bestPerCluster = new Array<number>(clusterTotals.length).fill(0);
  for (let i = 0; i < cells.length; i += 2) {
    const key = cells[i];
    const count = cells[i + 1];
    const a = Math.floor(key / 0x100000);
    const b = key % 0x100000;
    mutualInformation += (count / n) * Math.log((count * n) / (clusterTotals[a] * classTotals[b]));
    pairsInCells += choose2(count);
    if (count > bestPerCluster[a]) bestPerCluster[a] = count;
  }
  const hClusters = entropy(clusterTotals, n);
  const hClasses = entropy(classTotals, n);
  const meanEntropy = (hClusters + hClasses) / 2;
  // Both labelings constant: identical partitions by convention (as scikit-learn).
  const nmi = meanEntropy === 0 ? 1 : Math.max(0, mutualInformation) / meanEntropy;

  const pairsClusters = clusterTotals.reduce((s, t) => s + choose2(t), 0);
  const pairsClasses = classTotals.reduce((s, t) => s + choose2(t), 0);
  const expected = (pairsClusters * pairsClasses) / choose2(n);
  const maximum = (pairsClusters + pairsClasses) / 2;
  const ari = maximum === expected ? 1 : (pairsInCells - expected) / (maximum - expected);

  const purity = bestPerCluster.reduce((s, c) => s + c, 0) / n;
  return { nmi, ari, purity };
}
