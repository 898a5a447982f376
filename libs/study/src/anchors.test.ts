import { describe, expect, it } from 'vitest';
import type { CellResult } from './cell-result';
import { anchorChecks, listSome } from './anchors';

let next = 0;
function cell(row: string, seed: number, results: { protocol: 'linear' | 'nonlinear' | 'finetune' | 'knn'; layer: string; value: number }[]): CellResult {
  return {
    version: 1,
    id: `${row}-s${seed}-${next++}`,
    group: 'main',
    row,
    rowName: row === 'jigsaw++' ? 'Jigsaw++' : row[0]!.toUpperCase() + row.slice(1),
    seed,
    configHash: 'h',
    results: results.map((result) => ({ ...result, dataset: 'test', metric: 'top1' })),
    wallSeconds: 1,
    stageSeconds: {},
    reused: [],
    startedAt: '',
    finishedAt: '',
    machine: { cpuModel: 'cpu', cores: 2, loadAverage: 0, backend: 'b', where: 'local' },
    images: { train: 1, evalTrain: 1, test: 1 },
  };
}

const linear = (...values: number[]) => values.map((value, i) => ({ protocol: 'linear' as const, layer: `conv${i + 1}`, value }));
const outcomes = (cells: CellResult[]) => Object.fromEntries(anchorChecks(cells, 10).map((check) => [check.anchor.split(' ')[0], check.outcome]));

describe('sanity anchors', () => {
  it('are all pending before any cell finished', () => {
    expect(anchorChecks([]).map((check) => check.outcome)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
  });

  it('meet when Supervised fine-tunes to 70%+, Random sits in 35–45%, Jigsaw++ beats it by 5+ points significantly, and trained protocols leave chance', () => {
    const cells = [0, 1, 2].flatMap((seed) => [
      cell('supervised', seed, [{ protocol: 'finetune', layer: 'all', value: 0.74 + seed * 0.01 }, { protocol: 'nonlinear', layer: 'conv5', value: 0.6 }, { protocol: 'linear', layer: 'conv5', value: 0.605 }]),
      cell('random', seed, [...linear(0.38, 0.4 + seed * 0.005), { protocol: 'finetune', layer: 'all', value: 0.5 }]),
      cell('jigsaw++', seed, linear(0.47 + seed * 0.005, 0.44)),
    ]);
    const checks = anchorChecks(cells, 10);
    expect(checks.map((check) => check.outcome)).toEqual(['met', 'met', 'met', 'met', 'met']);
    expect(checks[0]!.detail).toBe('Supervised fine-tuned: 75.0% ± 1.0 (n=3).');
    expect(checks[2]!.detail).toMatch(/^Jigsaw\+\+ 47\.5% ± 0\.5 \(n=3\) vs Random 40\.5% ± 0\.5 \(n=3\): \+7\.0 points, p < 0\.001\.$/);
  });

  it('fail with the numbers when a protocol undertrains or a baseline is off', () => {
    const cells = [0, 1].flatMap((seed) => [
      cell('supervised', seed, [{ protocol: 'finetune', layer: 'all', value: 0.46 }]),
      cell('random', seed, linear(0.49 + seed * 0.01)),
      cell('jigsaw++', seed, [...linear(0.5 - seed * 0.01, 0.5, 0.52), { protocol: 'nonlinear', layer: 'conv3', value: 0.22 }]),
    ]);
    const checks = anchorChecks(cells, 10);
    expect(checks.map((check) => check.outcome)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    expect(checks[1]!.detail).toContain('above the range');
    expect(checks[3]!.detail).toBe('below 30.0%: Jigsaw++ nonlinear 22.0%.');
    expect(checks[4]!.detail).toMatch(/^below the linear probe: Jigsaw\+\+ conv3 22\.0% vs linear 52\.0% — /);
  });

  it('hold nonlinear to the linear probe of the same layer, within a point, row by row', () => {
    const row = (nonlinear: number) => cell('random', 0, [...linear(0.5, 0.55, 0.56), { protocol: 'nonlinear', layer: 'conv3', value: nonlinear }]);
    expect(outcomes([row(0.552)])['Frozen-prefix']).toBe('met');
    expect(outcomes([row(0.545)])['Frozen-prefix']).toBe('failed');
    // a nonlinear layer without a linear result on it is not compared
    expect(outcomes([cell('random', 0, [{ protocol: 'nonlinear', layer: 'conv5', value: 0.1 }])])['Frozen-prefix']).toBe('pending');
  });

  it('leave the Jigsaw++ margin pending while one seed cannot decide it, and fail a margin that is too small', () => {
    expect(outcomes([cell('random', 0, linear(0.4)), cell('jigsaw++', 0, linear(0.47))])['Jigsaw++']).toBe('pending');
    expect(outcomes([cell('random', 0, linear(0.4)), cell('jigsaw++', 0, linear(0.42))])['Jigsaw++']).toBe('failed');
  });
});

describe('listSome', () => {
  it('lists short lists whole and cuts long ones after the first few, saying how many more', () => {
    expect(listSome(['a', 'b'])).toBe('a, b');
    expect(listSome(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])).toBe('a, b, c, d, e, f and 2 more');
    expect(listSome(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
  });
});
