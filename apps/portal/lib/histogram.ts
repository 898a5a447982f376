/** Equal-width integer bins over cluster sizes, for the size histogram. */
export interface Histogram {
  /** Lower edge of each bin (inclusive); the last bin includes `max`. */
  edges: number[];
  /** Clusters per bin. */
  counts: number[];
  /** Bin width (sizes are integers, so at least 1). */
  width: number;
}

export function sizeHistogram(sizes: number[], maxBins = 40): Histogram {
  if (sizes.length === 0) return { edges: [], counts: [], width: 1 };
  let min = Infinity;
  let max = -Infinity;
  for (const size of sizes) {
    if (size < min) min = size;
    if (size > max) max = size;
  }
  const width = Math.max(1, Math.ceil((max - min + 1) / maxBins));
  const bins = Math.floor((max - min) / width) + 1;
  const counts = new Array<number>(bins).fill(0);
  for (const size of sizes) counts[Math.floor((size - min) / width)]++;
  return { edges: counts.map((_, i) => min + i * width), counts, width };
}
