import { describe, expect, it } from 'vitest';
import { benchmarkToCsv, benchmarkToMarkdown } from './benchmark-export';
import { buildBenchmarkTable, metricHigherIsBetter, orderColumns, type BenchmarkObservation } from './benchmark-table';

const obs = (method: string, column: string, runId: string, value: number): BenchmarkObservation => ({ method, column, runId, value });

describe('buildBenchmarkTable', () => {
  const observations = [
    obs('jigsaw', 'conv2', 'j1', 0.3),
    obs('jigsaw', 'conv1', 'j1', 0.2),
    obs('jigsaw', 'conv1', 'j2', 0.4),
    obs('cc-jigsaw++', 'conv1', 'c1', 0.25),
    obs('cc-jigsaw++', 'conv2', 'c1', 0.5),
    obs('cc-jigsaw++', 'conv2', 'c2', Number.NaN),
    obs('random', 'conv3', 'r1', 0.1),
  ];

  it('aggregates mean and sample std per method and column, and lists the runs behind each cell', () => {
    const table = buildBenchmarkTable(observations, { methodOrder: ['random', 'jigsaw', 'cc-jigsaw++'] });
    expect(table.columns).toEqual(['conv1', 'conv2', 'conv3']);
    expect(table.rows.map((r) => r.method)).toEqual(['random', 'jigsaw', 'cc-jigsaw++']);
    const jigsawConv1 = table.rows[1].cells.conv1!;
    expect(jigsawConv1.mean).toBeCloseTo(0.3);
    expect(jigsawConv1.std).toBeCloseTo(Math.SQRT2 * 0.1);
    expect(jigsawConv1.n).toBe(2);
    expect(jigsawConv1.runIds).toEqual(['j1', 'j2']);
    // A non-finite value (a diverged run) does not poison the mean.
    expect(table.rows[2].cells.conv2).toMatchObject({ mean: 0.5, std: null, n: 1 });
    expect(table.rows[0].cells.conv1).toBeUndefined();
  });

  it('marks the best cell of each column, respecting the metric direction, and not a column with one entry', () => {
    const high = buildBenchmarkTable(observations);
    const best = (t: typeof high, column: string) => t.rows.filter((r) => r.cells[column]?.best).map((r) => r.method);
    expect(best(high, 'conv1')).toEqual(['jigsaw']);
    expect(best(high, 'conv2')).toEqual(['cc-jigsaw++']);
    expect(best(high, 'conv3')).toEqual([]);
    const low = buildBenchmarkTable(observations, { higherIsBetter: false });
    expect(best(low, 'conv1')).toEqual(['cc-jigsaw++']);
    expect(metricHigherIsBetter('top1')).toBe(true);
    expect(metricHigherIsBetter('val/loss')).toBe(false);
  });

  it('orders layers by depth, then protocols, then the rest', () => {
    expect(orderColumns(['conv10x', 'knn', 'conv5', 'linear', 'conv1'])).toEqual(['conv1', 'conv5', 'linear', 'knn', 'conv10x']);
    // The dense protocols' rows: trunk frozen before fine-tuned; the transfer protocols after the classification ones.
    expect(orderColumns(['all', 'frozen', 'conv5'])).toEqual(['conv5', 'frozen', 'all']);
    expect(orderColumns(['segmentation', 'finetune', 'detection'])).toEqual(['finetune', 'detection', 'segmentation']);
  });

  it('exports CSV with unrounded numbers and Markdown with the best cells in bold', () => {
    const table = buildBenchmarkTable(observations.slice(0, 5));
    const csv = benchmarkToCsv(table, { 'cc-jigsaw++': 'CC+Jigsaw++' }).trim().split('\n');
    expect(csv[0]).toBe('method,group,reference,conv1_mean,conv1_std,conv1_n,conv2_mean,conv2_std,conv2_n');
    expect(csv[1]).toBe('CC+Jigsaw++,main,false,0.25,,1,0.5,,1');
    expect(csv[2].split(',').slice(0, 6)).toEqual(['jigsaw', 'main', 'false', expect.stringMatching(/^0\.3/), expect.stringMatching(/^0\.1414/), '2']);
    const markdown = benchmarkToMarkdown(table, { scale: 100, digits: 1 }).trim().split('\n');
    expect(markdown[0]).toBe('| Method | conv1 | conv2 |');
    expect(markdown[2]).toBe('| cc-jigsaw++ | 25.0 | **50.0** |');
    expect(markdown[3]).toBe('| jigsaw | **30.0 ± 14.1** | 30.0 |');
  });

  it('never marks a reference row best, and ranks each group of rows (an ablation) on its own', () => {
    const table = buildBenchmarkTable(
      [
        obs('supervised', 'conv1', 's1', 0.9),
        obs('jigsaw', 'conv1', 'j1', 0.4),
        obs('cc-jigsaw++', 'conv1', 'c1', 0.5),
        obs('cc-jigsaw++ k=5', 'conv1', 'k5', 0.6),
        obs('cc-jigsaw++ k=20', 'conv1', 'k20', 0.55),
        obs('cc-jigsaw++ k=100', 'conv1', 'k100', 0.3),
        obs('cc-jigsaw++ half-A→half-B', 'conv1', 'd1', 0.45),
      ],
      {
        methodOrder: ['supervised', 'jigsaw', 'cc-jigsaw++'],
        referenceMethods: new Set(['supervised']),
        groupOf: (method) => (method.includes(' k=') ? 'clusters' : method.includes('→') ? 'domain' : 'main'),
      },
    );
    // main rows first, then the groups by name; numbers in names in numeric order
    expect(table.rows.map((r) => [r.method, r.group])).toEqual([
      ['supervised', 'main'],
      ['jigsaw', 'main'],
      ['cc-jigsaw++', 'main'],
      ['cc-jigsaw++ k=5', 'clusters'],
      ['cc-jigsaw++ k=20', 'clusters'],
      ['cc-jigsaw++ k=100', 'clusters'],
      ['cc-jigsaw++ half-A→half-B', 'domain'],
    ]);
    const best = table.rows.filter((r) => r.cells.conv1?.best).map((r) => r.method);
    // not supervised (a reference, though highest) and not k=5 (higher, but another group); domain has one row
    expect(best).toEqual(['cc-jigsaw++', 'cc-jigsaw++ k=5']);
    expect(table.rows[0].reference).toBe(true);
    expect(benchmarkToMarkdown(table, { scale: 100 })).toContain('| supervised *(reference)* | 90.0 |');
  });
});
