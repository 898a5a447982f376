import { describe, expect, it } from 'vitest';
import { cellResult, planStudy, SCALES } from '@ktlab/study';
import { pretextSection } from './report/readme';
import { pretextHeldOut } from './run-local';

describe('the pretext held-out curve of a study cell', () => {
  const plan = planStudy({ scale: SCALES.medium, dataRoot: '/data/cifar10', seeds: 1, only: ['random', 'jigsaw'] });
  const jigsaw = plan.cells.find((cell) => cell.id === 'jigsaw-s0')!;

  it('is kept from the pretext/heldout_top1 metric in step order, as puzzles trained (steps × batch size)', () => {
    expect(jigsaw.config.pretext.heldOutImages).toBe(1_000);
    const measured = new Map([[3_125, 0.21], [782, 0.04]]);
    expect(pretextHeldOut(jigsaw, measured)).toEqual({
      pretextHeldOut: { permutations: 701, curve: [{ puzzles: 782 * 64, top1: 0.04 }, { puzzles: 3_125 * 64, top1: 0.21 }] },
    });
    expect(pretextHeldOut(jigsaw, new Map())).toEqual({});
  });

  it('is reported per cell against chance', () => {
    const outcome = { results: [], wallSeconds: 1, stageSeconds: {}, reused: [], startedAt: '', finishedAt: '', machine: { cpuModel: 'c', cores: 2, loadAverage: 0, backend: 'b', where: 'local' } };
    const cell = { ...cellResult(jigsaw, outcome), ...pretextHeldOut(jigsaw, new Map([[782, 0.04], [3_125, 0.21]])) };
    const text = pretextSection([cell, cellResult(plan.cells[0]!, outcome)]).join('\n');
    expect(text).toContain('| jigsaw-s0 | 701 | 0.1% | 50k: 4.0%, 200k: 21.0% | 147.2× |');
    expect(text).not.toContain('random-s0');
    expect(pretextSection([cellResult(plan.cells[0]!, outcome)])).toEqual([]);
  });
});
