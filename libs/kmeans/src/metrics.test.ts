import { describe, expect, it } from 'vitest';
import { labelAgreement } from './metrics.js';
import { clusterSizeStats } from './cluster-stats.js';

describe('labelAgreement', () => {
  it('is 1 for identical partitions under any renaming of the clusters', () => {
    expect(labelAgreement([0, 0, 1, 1, 2, 2], [5, 5, 9, 9, 7, 7])).toEqual({ nmi: 1, ari: 1, purity: 1 });
  });

  it('matches hand-computed values on a small example', () => {
    // truth {0,1,2},{3,4,5}; predicted {0,1},{2,3},{4,5}.
    const { nmi, ari, purity } = labelAgreement([0, 0, 1, 1, 2, 2], [0, 0, 0, 1, 1, 1]);
    // Pairs: same-in-both = 2, Σ C(cluster,2) = 3, Σ C(class,2) = 6, C(6,2) = 15 → expected 1.2, max 4.5.
    expect(ari).toBeCloseTo((2 - 1.2) / (4.5 - 1.2), 12);
    // I = Σ p log(p/(pa pb)) = 4·(1/6)ln 2 ; H(pred) = ln 3, H(truth) = ln 2.
    const mi = (4 / 6) * Math.log(2);
    expect(nmi).toBeCloseTo(mi / ((Math.log(3) + Math.log(2)) / 2), 12);
    expect(purity).toBeCloseTo(5 / 6, 12);
  });

  it('is near 0 (ARI) for independent labelings', () => {
    const n = 20000;
    const a = Int32Array.from({ length: n }, (_, i) => i % 10);
    const b = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10) % 7);
    const { ari, nmi } = labelAgreement(a, b);
    expect(Math.abs(ari)).toBeLessThan(0.01);
    expect(nmi).toBeLessThan(0.01);
  });

  it('rejects labelings of different lengths', () => {
    expect(() => labelAgreement([0, 1], [0])).toThrow(/2 labels but truth has 1/);
  });
});

describe('clusterSizeStats', () => {
  it('reports min/median/max, empties and faiss’s imbalance factor', () => {
    expect(clusterSizeStats([4, 4, 4, 4])).toEqual({ min: 4, median: 4, max: 4, imbalance: 1, empty: 0 });
    const skewed = clusterSizeStats([0, 10, 0, 2]);
    expect(skewed).toMatchObject({ min: 0, median: 1, max: 10, empty: 2 });
    expect(skewed.imbalance).toBeCloseTo((4 * (100 + 4)) / 144, 12);
  });
});
