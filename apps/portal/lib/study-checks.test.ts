import { describe, expect, it } from 'vitest';
import { checkNumbers, launchSummary, outcomeCounts, outcomeSummary, pText, sideText, type CheckView } from './study-checks';

const check = (overrides: Partial<CheckView> = {}): CheckView => ({
  claim: 'CC+Jigsaw++ > Jigsaw++ (linear, conv4)',
  relation: '>',
  outcome: 'held',
  p: 0.0004,
  left: { label: 'CC+Jigsaw++ linear conv4', n: 3, mean: 0.4, std: 0.004 },
  right: { label: 'Jigsaw++ linear conv4', n: 3, mean: 0.34, std: 0.004 },
  ...overrides,
});

describe('study checks wording', () => {
  it('gives each side in percent with its spread and seeds, the difference in points and p', () => {
    expect(sideText(check().left)).toBe('40.0 ± 0.4 (n=3)');
    expect(sideText({ label: 'x', n: 1, mean: 0.25, std: null })).toBe('25.0 (n=1)');
    expect(sideText({ label: 'x', n: 0, mean: null, std: null })).toBe('no result');
    expect(checkNumbers(check())).toBe('40.0 ± 0.4 (n=3) vs 34.0 ± 0.4 (n=3) · Δ +6.0 pts · p < 0.001');
    expect(checkNumbers(check({ p: 0.2513, left: { label: 'a', n: 2, mean: 0.3, std: 0.01 } }))).toBe('30.0 ± 1.0 (n=2) vs 34.0 ± 0.4 (n=3) · Δ -4.0 pts · p = 0.251');
    expect(checkNumbers(check({ outcome: 'not measured', p: null, right: { label: 'Jigsaw++ linear conv4', n: 0, mean: null, std: null } }))).toBe('Jigsaw++ linear conv4: no result yet');
    expect(pText(null)).toBe('p undefined (n < 2)');
    expect(pText(0.05)).toBe('p = 0.050');
  });

  it('counts outcomes as held / not held / n.s.', () => {
    const checks = [check(), check(), check({ outcome: 'did not hold' }), check({ outcome: 'not significant' }), check({ outcome: 'not significant' })];
    expect(outcomeCounts(checks)).toEqual({ held: 2, 'did not hold': 1, 'not significant': 2, 'not measured': 0 });
    expect(outcomeSummary(checks)).toBe('2 held · 1 not held · 2 n.s.');
    expect(outcomeSummary([])).toBe('no check yet');
  });

  it('says how many runs a launch queues', () => {
    expect(launchSummary({ cells: 16, existing: 4, toQueue: 12 })).toBe('Queues 12 runs (4 of 16 cells already have one).');
    expect(launchSummary({ cells: 3, existing: 0, toQueue: 3 })).toBe('Queues 3 runs (all 3 cells of the plan).');
    expect(launchSummary({ cells: 1, existing: 0, toQueue: 1 })).toBe('Queues 1 run (the one cell of the plan).');
    expect(launchSummary({ cells: 5, existing: 5, toQueue: 0 })).toBe('Queues nothing: all 5 cells already have a run.');
    expect(launchSummary({ cells: 1, existing: 1, toQueue: 0 })).toBe('Queues nothing: the one cell already has a run.');
  });
});
