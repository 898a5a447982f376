import { describe, expect, it } from 'vitest';
import { planStudy } from './plan';
import { SCALES } from './scales';
import { syntheticResults } from './testing/synthetic-results';
import { compare, judge, orderingChecks } from './orderings';
import { summarize } from './stats';

const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data' });

describe('judge', () => {
  it('holds only when the difference is significant and in the claimed direction', () => {
    const high = summarize([0.5, 0.51, 0.52]);
    const low = summarize([0.4, 0.41, 0.42]);
    const noisy = summarize([0.3, 0.6, 0.45]);
    expect(judge('>', high, low).outcome).toBe('held');
    expect(judge('>', low, high).outcome).toBe('did not hold');
    expect(judge('>', noisy, low).outcome).toBe('not significant');
    expect(judge('>', summarize([0.9]), summarize([0.1])).outcome).toBe('not significant');
    expect(judge('>', summarize([]), low).outcome).toBe('not measured');
    expect(judge('≈', noisy, low).outcome).toBe('held');
    expect(judge('≈', high, low).outcome).toBe('did not hold');
  });

  it('writes the numbers into the detail', () => {
    const check = compare('A > B', 'paper', '>', { label: 'A', values: [0.5, 0.52] }, { label: 'B', values: [0.3, 0.31] });
    expect(check.detail).toMatch(/A 51\.0% ± 1\.4 \(n=2\) vs B 30\.5% ± 0\.7 \(n=2\); difference 20\.5 points, p = /);
  });
});

describe('orderingChecks', () => {
  it('finds every paper ordering held on results that follow the paper', () => {
    const checks = orderingChecks(syntheticResults(plan).cells);
    const claims = checks.map((check) => check.claim);
    expect(claims).toContain('CC+Jigsaw++ > Jigsaw++ (linear, conv4)');
    expect(claims).toContain('CC+vgg-Jigsaw++ > CC+Jigsaw++ (linear, conv5)');
    expect(claims).toContain('Supervised > CC+HOG (best linear layer)');
    expect(claims).toContain('CC+Jigsaw++ > CC+HOG (best linear layer)');
    expect(claims).toContain('CC+Rotation > Rotation (linear, conv5)');
    expect(claims.some((claim) => claim.startsWith('more clusters help: best k=20 > k=5'))).toBe(true);
    expect(checks.find((check) => check.claim.startsWith('more clusters help'))!.detail).toMatch(/peaks at k=20, inside the range 5, 10, 20, 50/);
    expect(checks.filter((check) => check.outcome !== 'held').map((check) => check.claim)).toEqual([]);
  });

  it('reports a reversed ordering as not held', () => {
    const results = syntheticResults(plan, (cell) => (cell.row === 'cc-hog' ? 0.7 : 0.3) + cell.seed * 0.001);
    const hog = orderingChecks(results.cells).find((check) => check.claim === 'CC+Jigsaw++ > CC+HOG (best linear layer)')!;
    expect(hog.outcome).toBe('did not hold');
  });

  it('skips claims whose rows were not run', () => {
    const only = planStudy({ scale: SCALES.quick, dataRoot: '/data', only: ['random', 'jigsaw'] });
    const claims = orderingChecks(syntheticResults(only).cells).map((check) => check.claim);
    expect(claims).toEqual(['Jigsaw > Random (best linear layer)']);
  });
});
