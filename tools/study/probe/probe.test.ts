import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planProbe, PROBE_DESIGN } from './probe-plan';
import { cheapestLeavingChance, curriculumPairs, epochPairs, flatFrom, learningRatePairs, probeReadme, puzzlesToLeaveChance } from './probe-report';
import { curvePointSchema, type ProbeResult } from './probe-result';
import { readRecords } from './run-probe';

const result = (id: string, permutations: number, curve: [number, number][], cpuSeconds: number): ProbeResult => ({
  version: 1,
  id,
  task: 'jigsaw',
  permutations,
  imageSize: 48,
  widthMultiplier: 0.25,
  learningRate: 0.01,
  epochs: 5,
  configHash: 'h',
  trainImages: 10_000,
  heldOutImages: 1_000,
  curve: curve.map(([puzzles, top1]) => ({ step: puzzles / 64, puzzles, top1 })),
  epochLoss: [3.5, 2.0],
  linear: { conv1: 0.45, conv3: 0.5 },
  wallSeconds: cpuSeconds / 2,
  cpuSeconds,
  stageSeconds: {},
  machine: { cpu: 'test CPU (AVX2, 2 cores)', backend: 'ktlab-wasm', threads: 2, loadAtStart: 0 },
  finishedAt: '2026-12-04T00:00:00Z',
});

describe('the pretext probe', () => {
  it('plans the grid cheapest first, with held-out images kept out of the pretext data and scored puzzles', () => {
    const cells = planProbe('/data/cifar10');
    const first = cells[0]!.config;
    expect(cells).toHaveLength(23);
    expect(cells[0]!.id).toBe('jigsaw-p30-s48-w0.25');
    expect(cells[4]!.id).toBe('jigsaw-p100-s48-w0.25-lr0.05');
    expect(cells[4]!.config.pretext.learningRate).toBe(0.05);
    expect(cells[5]!.id).toBe('jigsaw-p100-s48-w0.25-e20');
    expect(cells[5]!.config.pretext).toMatchObject({ permutations: 100, epochs: 20, learningRate: PROBE_DESIGN.learningRate });
    expect(cells[8]!.id).toBe('jigsaw++-p701-s48-w0.25-e20-cur100x80k');
    expect(cells[8]!.config.pretext).toMatchObject({ task: 'jigsaw++', permutations: 701, epochs: 20, permutationCurriculum: { permutations: 100, puzzles: 80_000 } });
    expect(cells[9]!.id).toBe('jigsaw++-p701-s48-w0.25-e20-cur100x40k-ramp120k');
    expect(cells[9]!.config.pretext.permutationCurriculum).toEqual({ permutations: 100, puzzles: 40_000, rampPuzzles: 120_000 });
    expect(cells[10]!.id).toBe('jigsaw-p701-s48-w0.25-e20-cur100x40k-ramp120k');
    expect(first.pretext.permutationCurriculum).toBeUndefined();
    expect(first.pretext.epochs).toBe(PROBE_DESIGN.epochs);
    expect(first.pretext.learningRate).toBe(PROBE_DESIGN.learningRate);
    expect(cells.at(-1)!.id).toBe('jigsaw++-p701-s64-w0.5');
    expect(first.data).toMatchObject({ path: '/data/cifar10/train', limit: PROBE_DESIGN.trainImages + PROBE_DESIGN.heldOutImages });
    expect(first.pretext).toMatchObject({ task: 'jigsaw', permutations: 30, maxOccludedTiles: 0, heldOutImages: PROBE_DESIGN.heldOutImages });
    expect(cells.find((cell) => cell.task === 'jigsaw++')!.config.pretext.maxOccludedTiles).toBeGreaterThan(0);
    expect(first.evaluation.test).toMatchObject({ path: '/data/cifar10/test', limit: PROBE_DESIGN.testImages });
    expect(() => planProbe('/data', ['jigsaw-p7-s48-w0.25'])).toThrow(/unknown probe cell\(s\) jigsaw-p7-s48-w0.25/);
  });

  it('finds when a curve first reaches 10× chance, and the cheapest cell that did', () => {
    const slow = result('jigsaw-p30-s48-w0.25', 30, [[5_000, 0.05], [10_000, 0.2], [15_000, 0.4]], 600);
    const never = result('jigsaw-p701-s48-w0.25', 701, [[5_000, 0.002], [10_000, 0.004]], 300);
    const fast = result('jigsaw-p100-s48-w0.25', 100, [[5_000, 0.09], [10_000, 0.11]], 500);
    expect(puzzlesToLeaveChance(slow)).toBe(15_000); // 10 / 30 = 0.333
    expect(puzzlesToLeaveChance(never)).toBeUndefined();
    expect(puzzlesToLeaveChance(fast)).toBe(10_000);
    expect(cheapestLeavingChance([slow, never, fast])?.id).toBe('jigsaw-p100-s48-w0.25');
    expect(cheapestLeavingChance([never])).toBeUndefined();
  });

  it('reports the finished cells and lists the pending ones with their estimated cost', () => {
    const cells = planProbe('/data');
    const readme = probeReadme(cells, [result('jigsaw-p30-s48-w0.25', 30, [[5_000, 0.05], [50_000, 0.5]], 1200)]);
    expect(readme).toContain('| jigsaw-p30-s48-w0.25 | 3.3% | 50.0% | 15.0 | 50,000 |');
    expect(readme).toContain('Cheapest finished cell that leaves chance: **jigsaw-p30-s48-w0.25**');
    expect(readme).toContain('Pending (22 of 23)');
    // 16 pending 5-epoch cells + 6 twenty-epoch cells = 40 five-epoch units at the finished cell's 20 CPU-minutes
    expect(readme).toContain('about 13.3 CPU-hours remain');
  });
});

describe('learning-rate cells', () => {
  it('pairs a cell at another rate with its reference and says when its curve went flat (a collapsed net)', () => {
    const reference = result('jigsaw-p100-s48-w0.25', 100, [[5_000, 0.004], [10_000, 0.007], [15_000, 0.013], [20_000, 0.018]], 600);
    const collapsed = { ...result('jigsaw-p100-s48-w0.25-lr0.05', 100, [[5_000, 0.013], [10_000, 0.012], [15_000, 0.011], [20_000, 0.011], [25_000, 0.011], [30_000, 0.011]], 600), learningRate: 0.05 };
    expect(flatFrom(collapsed)).toBe(15_000);
    expect(flatFrom(reference)).toBeUndefined();
    expect(flatFrom({ ...collapsed, curve: collapsed.curve.slice(0, 5) })).toBeUndefined();
    expect(learningRatePairs([reference, collapsed])).toEqual([{ cell: collapsed, reference }]);
    expect(learningRatePairs([collapsed])).toEqual([]);
    const readme = probeReadme(planProbe('/data'), [reference, collapsed]);
    expect(readme).toContain('- Learning rate 0.05 vs 0.01 (jigsaw-p100-s48-w0.25): its held-out top-1 stayed at exactly 1.1% from 15,000 puzzles on');
    expect(readme).toContain('at 0.01: final 1.8% (best 1.8%)');
  });
});

describe('longer cells', () => {
  it('pairs a cell with more epochs with its design-length reference and compares them at the same number of puzzles', () => {
    const reference = result('jigsaw-p100-s48-w0.25', 100, [[25_000, 0.02], [50_000, 0.038]], 600);
    const longer = { ...result('jigsaw-p100-s48-w0.25-e20', 100, [[25_000, 0.05], [49_920, 0.129], [100_000, 0.3], [200_000, 0.462]], 1900), epochs: 20 };
    const otherRate = { ...longer, id: 'x', learningRate: 0.05 };
    expect(epochPairs([reference, longer, otherRate])).toEqual([{ cell: longer, reference }]);
    const readme = probeReadme(planProbe('/data'), [reference, longer]);
    expect(readme).toContain(
      '- 20 epochs vs 5 (jigsaw-p100-s48-w0.25): final 46.2% after 200,000 puzzles vs 3.8% after 50,000; at the same 49,920 puzzles the longer schedule (its learning rate still high) had 12.9%; 10× chance after 49,920 puzzles.',
    );
  });
});

describe('curriculum cells', () => {
  it('pairs a curriculum cell with the same cell trained on the whole set, and says where the whole set opened', () => {
    const plain = { ...result('jigsaw-p701-s48-w0.25-e20', 701, [[50_000, 0.001], [200_000, 0.002]], 1000), epochs: 20 };
    const curriculum = {
      ...result('jigsaw-p701-s48-w0.25-e20-cur100x80k', 701, [[50_000, 0.04], [75_000, 0.09], [100_000, 0.06], [150_000, 0.12], [200_000, 0.15]], 1000),
      epochs: 20,
      curriculum: { permutations: 100, puzzles: 80_000, rampPuzzles: 0 },
    };
    // A design-length cell at 701 is not the curriculum cell's reference (other epochs), nor an epoch pair of it.
    const short = result('jigsaw-p701-s48-w0.25', 701, [[50_000, 0.002]], 250);
    expect(curriculumPairs([short, plain, curriculum])).toEqual([{ cell: curriculum, reference: plain }]);
    expect(epochPairs([short, plain, curriculum])).toEqual([{ cell: plain, reference: short }]);
    const collapsed = { ...curriculum, id: 'jigsaw++-p701-s48-w0.25-e20-cur100x80k', curve: [...curriculum.curve.slice(0, 2), { step: 3000, puzzles: 192_000, top1: 0.004 }] };
    expect(cheapestLeavingChance([collapsed])).toBeUndefined();
    expect(cheapestLeavingChance([curriculum])).toBe(curriculum);
    expect(probeReadme(planProbe('/data'), [collapsed])).toContain('| 50,000 (lost by the end) |');
    const readme = probeReadme(planProbe('/data'), [plain, curriculum]);
    expect(readme).toContain(
      '- Curriculum (the first 80,000 puzzles from 100 of the 701 permutations) vs none (jigsaw-p701-s48-w0.25-e20): final 15.0% vs 0.2% on the whole set\'s held-out puzzles; ' +
        '9.0% when the whole set opened (at most 14.3% is reachable before: only 100 classes trained), best after it 15.0%; 10× chance after 50,000 puzzles.',
    );
  });
});

describe('ramped curriculum cells', () => {
  it('say the pool grew, and are not the reference of another schedule', () => {
    const plain = { ...result('jigsaw-p701-s48-w0.25-e20', 701, [[200_000, 0.002]], 1000), epochs: 20 };
    const abrupt = { ...result('a', 701, [[40_000, 0.02], [200_000, 0.003]], 1000), epochs: 20, curriculum: { permutations: 100, puzzles: 80_000, rampPuzzles: 0 } };
    const ramped = { ...result('b', 701, [[40_000, 0.02], [100_000, 0.05], [200_000, 0.2]], 1000), epochs: 20, curriculum: { permutations: 100, puzzles: 40_000, rampPuzzles: 120_000 } };
    expect(curriculumPairs([plain, abrupt, ramped]).map(({ cell, reference }) => [cell.id, reference.id])).toEqual([
      ['a', 'jigsaw-p701-s48-w0.25-e20'],
      ['b', 'jigsaw-p701-s48-w0.25-e20'],
    ]);
    expect(probeReadme(planProbe('/data'), [plain, ramped])).toContain(
      '- Curriculum (the first 40,000 puzzles from 100 of the 701 permutations, then a pool growing evenly to all of them over 120,000) vs none (jigsaw-p701-s48-w0.25-e20): ' +
        "final 20.0% vs 0.2% on the whole set's held-out puzzles; 2.0% when the pool began to grow",
    );
  });
});

describe('readRecords', () => {
  it('keeps the last record of each step (a resumed cell measures again) in step order, and nothing for a missing file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ktlab-probe-')), 'curve.jsonl');
    expect(readRecords(file, curvePointSchema, (point) => point.step)).toEqual([]);
    const lines = [
      { step: 78, puzzles: 4992, top1: 0.04 },
      { step: 156, puzzles: 9984, top1: 0.1 },
      { step: 78, puzzles: 4992, top1: 0.05 },
    ];
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n\n`);
    expect(readRecords(file, curvePointSchema, (point) => point.step)).toEqual([lines[2], lines[1]]);
  });
});
