import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { committedCellPath, readCommittedCell, writeCellResult, writeCommittedCell } from '../cell-files';
import { cellResult, type CellRunOutcome, planStudy, SCALES } from '@ktlab/study';
import { loadStudyResults } from './load-results';
import { pendingSection } from './readme';

const outcome = (cpuSeconds: number): CellRunOutcome => ({
  results: [{ protocol: 'linear', layer: 'conv1', dataset: 'test', metric: 'top1', value: 0.4 }],
  wallSeconds: cpuSeconds,
  cpuSeconds,
  stageSeconds: {},
  reused: [],
  startedAt: '2026-12-04T00:00:00Z',
  finishedAt: '2026-12-04T00:10:00Z',
  machine: { cpuModel: 'test CPU', cores: 2, loadAverage: 1, backend: 'ktlab-wasm', where: 'local' },
});

describe('finished cells from working folders and committed copies', () => {
  const plan = planStudy({ scale: SCALES.medium, dataRoot: '/data/cifar10', seeds: 1, only: ['random', 'supervised', 'jigsaw'] });
  const [random, supervised, jigsaw] = plan.cells;

  it('reads a committed copy (with its config) where the working folder is gone, and leaves out copies of another config', () => {
    const root = mkdtempSync(join(tmpdir(), 'ktlab-cells-'));
    const studyDir = join(root, 'study');
    const cellsDir = join(root, 'docs', 'cells');
    writeCommittedCell(cellsDir, cellResult(random!, outcome(600)), random!.config);
    mkdirSync(join(studyDir, supervised!.id), { recursive: true });
    writeCellResult(join(studyDir, supervised!.id), cellResult(supervised!, outcome(1200)));
    const stale = { ...cellResult(jigsaw!, outcome(900)), configHash: 'another-config' };
    writeCommittedCell(cellsDir, stale, jigsaw!.config);

    expect(readCommittedCell(cellsDir, random!.id)?.config).toEqual(random!.config);
    expect(committedCellPath(cellsDir, random!.id)).toBe(join(cellsDir, 'random-s0.json'));
    const results = loadStudyResults(plan, studyDir, cellsDir);
    expect(results.cells.map((cell) => cell.id)).toEqual(['random-s0', 'supervised-s0']);
    expect(results.stale).toEqual(['jigsaw-s0']);
    // the detection / segmentation cells of the Random and Supervised rows have not run
    expect(results.missing).toEqual(['transfer-random-s0', 'transfer-supervised-s0']);
    // Without the committed folder only the working folder counts.
    expect(loadStudyResults(plan, studyDir).missing).toEqual(['random-s0', 'jigsaw-s0', 'transfer-random-s0', 'transfer-supervised-s0']);
  });

  it('lists pending cells with a CPU estimate from the same row, else the mean of the finished cells', () => {
    const results = { cells: [cellResult(random!, outcome(600)), cellResult(supervised!, outcome(1800))], missing: ['jigsaw-s0'], stale: [] };
    const bigger = planStudy({ scale: SCALES.medium, dataRoot: '/data/cifar10', seeds: 2, only: ['random', 'supervised', 'jigsaw'] });
    const text = pendingSection(bigger, { ...results, missing: ['jigsaw-s0', 'random-s1', 'supervised-s1', 'jigsaw-s1'] }).join('\n');
    expect(text).toContain('4 of 10 planned cells have no result yet');
    // 600 s + 1800 s measured; pending 10 + 30 + 20 (×2, all-cell mean) min = 80 min
    expect(text).toContain('The whole study so far: 40 min 00 s of CPU time measured in the finished cells + 1 h 20 min estimated for the pending ones = about 2 h 00 min.');
    expect(text).toContain('| random-s1 | Random | 10 min 00 s |');
    expect(text).toContain('| jigsaw-s0 | Jigsaw | 20 min 00 s (all-cell mean) |');
    expect(pendingSection(plan, { cells: [], missing: [], stale: [] })).toEqual([]);
  });
});
