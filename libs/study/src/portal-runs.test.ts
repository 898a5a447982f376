import { describe, expect, it } from 'vitest';
import { runConfigInputSchema } from '@ktlab/config';
import { anchorChecks } from './anchors';
import { orderingChecks } from './orderings';
import { planStudy } from './plan';
import { cellOfTag, cellScoresFromRuns, portalMethod, studyRunName, studyTags, type FinishedStudyRun } from './portal-runs';
import { SCALES } from './scales';
import { studyTables } from './tables';
import { syntheticResults } from './testing/synthetic-results';

describe('portal launch', () => {
  const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10', seeds: 1 });

  it('creates runs the runs.create schema accepts, tagged with the study scale, the cell and its config', () => {
    for (const cell of plan.cells) {
      const input = { name: studyRunName('quick', cell), method: portalMethod(cell), tags: studyTags('quick', cell), config: cell.config };
      // runs.create's limits: a valid run config, method ≤ 100 chars, ≤ 20 tags of ≤ 64 chars.
      expect(runConfigInputSchema.safeParse(input.config).success).toBe(true);
      expect(input.method.length).toBeLessThanOrEqual(100);
      expect(input.tags.length).toBeLessThanOrEqual(20);
      for (const tag of input.tags) expect(tag.length).toBeLessThanOrEqual(64);
      expect(input.tags[0]).toBe('study:quick');
      expect(input.tags[1]).toBe(`cell:${cell.id}`);
      expect(cellOfTag(input.tags[1]!)).toBe(cell.id);
      expect(input.name).toBe(`study-quick-${cell.id}`);
    }
    const method = (id: string) => portalMethod(plan.cells.find((cell) => cell.id === id)!);
    expect(method('cc-jigsaw++-s0')).toBe('cc-jigsaw++');
    expect(method('k5-s0')).toBe('cc-jigsaw++ k=5');
    expect(method('domain-half-A-half-B-s0')).toBe('cc-jigsaw++ half-A→half-B');
  });
});

describe('the cells of a study\'s portal runs', () => {
  const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10' });
  const synthetic = syntheticResults(plan).cells;
  const finishedAt = new Date('2026-01-02T00:00:00Z');
  /** The runs the portal holds for these cells: the plan's tags and config, the cells' results. */
  const runsOf = (cells = synthetic): FinishedStudyRun[] =>
    cells.map((result) => {
      const cell = plan.cells.find((c) => c.id === result.id)!;
      return { id: `run-${cell.id}`, tags: [...studyTags('quick', cell), 'baseline'], config: cell.config, finishedAt, evalResults: result.results };
    });

  it('gives the cells the report reads: the same orderings, anchors and tables as the cells\' own results', () => {
    const { cells, superseded, unknown } = cellScoresFromRuns(runsOf());
    expect(superseded).toEqual([]);
    expect(unknown).toEqual([]);
    expect(cells).toHaveLength(plan.cells.length);
    const main = cells.find((cell) => cell.id === 'cc-jigsaw++-s1')!;
    expect(main).toMatchObject({ group: 'main', row: 'cc-jigsaw++', rowName: 'CC+Jigsaw++', seed: 1, k: 20, runId: 'run-cc-jigsaw++-s1' });
    expect(cells.find((cell) => cell.id === 'domain-half-A-test-s0')).toMatchObject({ group: 'domain', domain: 'half-A→test', k: 20 });
    expect(cells.find((cell) => cell.id === 'k5-s2')).toMatchObject({ group: 'clusters', k: 5, seed: 2 });
    expect(cells.find((cell) => cell.id === 'jigsaw-s0')!.k).toBeUndefined();

    const fromRuns = orderingChecks(cells);
    expect(fromRuns.length).toBeGreaterThan(20);
    expect(fromRuns).toEqual(orderingChecks(synthetic));
    expect(fromRuns.find((check) => check.claim.startsWith('more clusters help'))!.detail).toContain('k=20');
    expect(anchorChecks(cells)).toEqual(anchorChecks(synthetic));
    expect(studyTables(cells)).toEqual(studyTables(synthetic));
  });

  it('counts a cell run twice once (its latest finished run), and leaves out runs naming no cell of the design', () => {
    const [first, second] = runsOf(synthetic.filter((cell) => cell.id === 'random-s0' || cell.id === 'random-s1'));
    const rerun = { ...first!, id: 'rerun', finishedAt: new Date('2026-01-03T00:00:00Z'), evalResults: first!.evalResults.map((r) => ({ ...r, value: 0.9 })) };
    const stray = { ...second!, id: 'stray', tags: ['study:quick', 'cell:nope-s0'] };
    const untagged = { ...second!, id: 'untagged', tags: ['study:quick'] };
    const unknownProtocol = { ...second!, evalResults: [...second!.evalResults, { protocol: 'telepathy', layer: 'conv1', dataset: 'test', metric: 'top1', value: 1 }] };
    const { cells, superseded, unknown } = cellScoresFromRuns([first!, rerun, unknownProtocol, stray, untagged]);
    expect(cells.map((cell) => [cell.id, cell.runId])).toEqual([['random-s0', 'rerun'], ['random-s1', 'run-random-s1']]);
    expect(cells[0]!.results.every((r) => r.value === 0.9)).toBe(true);
    expect(cells[1]!.results).toEqual(second!.evalResults);
    expect(superseded).toEqual([{ runId: 'run-random-s0', cellId: 'random-s0' }]);
    expect(unknown).toEqual(['stray', 'untagged']);
    // the earlier run listed after the later one is the one left out, too
    expect(cellScoresFromRuns([rerun, first!]).superseded).toEqual([{ runId: 'run-random-s0', cellId: 'random-s0' }]);
  });
});

