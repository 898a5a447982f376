import { describe, expect, it } from 'vitest';
import { planStudy, SCALES, summarize, type Table } from '@ktlab/study';
import { readingSection, transferSection } from './readme';

function table(id: string, title: string, means: number[]): Table {
  return {
    id,
    title,
    caption: '',
    rowHeader: 'Method',
    rows: means.map((_, i) => ({ key: `row${i}`, label: `Row ${i}` })),
    columns: ['all'],
    cells: means.map((mean) => [summarize([mean - 0.01, mean + 0.01])]),
    best: means.map(() => [false]),
  };
}

describe('readingSection', () => {
  const nearChance = table('table3-finetune', 'Table 3 analog — fine-tuning', [0.12, 0.16]);
  const informative = table('table4-linear', 'Table 4 analog — linear probe per conv layer', [0.38, 0.43]);

  it('says which tables stay within reach of chance for the number of classes', () => {
    const lines = readingSection([informative, nearChance], [], 10).join('\n');
    expect(lines).toContain('- Table 3 analog — fine-tuning: every mean (best 16.0%) lies within 10 points of chance (10.0% for 10 classes)');
    expect(lines).not.toContain('Table 4 analog — linear probe per conv layer: every mean');
  });

  it('does not compare mAP and mean IoU (the transfer table) with a classifier’s chance level', () => {
    const transfer = table('table3-transfer', 'Table 3 analog — transfer: classification, detection, segmentation', [0.05, 0.08]);
    expect(readingSection([transfer, nearChance], [], 10).join('\n')).not.toContain('Table 3 analog — transfer: classification, detection, segmentation: every mean');
  });

  it('judges chance by the class count: 16% is far above chance for 100 classes', () => {
    expect(readingSection([nearChance], [], 100).join('\n')).not.toContain('chance');
  });

  it('says nothing about chance when the class count is unknown', () => {
    expect(readingSection([nearChance], []).join('\n')).not.toContain('chance');
  });
});

describe('transferSection', () => {
  const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10' });
  function transfer(columns: string[], means: Record<string, number[]>): Table {
    const rows = Object.keys(means).map((key) => ({ key, label: key === 'cc-jigsaw++' ? 'CC+Jigsaw++' : key }));
    return {
      id: 'table3-transfer',
      title: 'Table 3 analog — transfer',
      caption: '',
      rowHeader: 'Method',
      rows,
      columns,
      cells: rows.map((row) => means[row.key]!.map((mean) => summarize([mean - 0.01, mean + 0.01]))),
      best: rows.map(() => columns.map(() => false)),
    };
  }

  it('says how much of the Random → Supervised gap CC+Jigsaw++ closes, per column, and what the scenes cannot say about VOC', () => {
    const table = transfer(['detection mAP@0.5', 'segmentation mIoU'], { random: [0.2, 0.3], supervised: [0.4, 0.25], 'cc-jigsaw++': [0.35, 0.28] });
    const text = transferSection(plan, [table]).join('\n');
    expect(text).toMatch(/- detection mAP@0\.5: Random 20\.0%, CC\+Jigsaw\+\+ 35\.0%, Supervised 40\.0% \(n = 2 seeds\) — CC\+Jigsaw\+\+ closes 75% of the 20\.0-point gap from Random to Supervised \(Welch p = 0\.0\d\d for that gap\)\./);
    expect(text).toMatch(/- segmentation mIoU: Random 30\.0%, CC\+Jigsaw\+\+ 28\.0%, Supervised 25\.0% \(n = 2 seeds\) — Supervised is not significantly above Random \(-5\.0-point difference, Welch p = 0\.\d{3}\)/);
    expect(text).toContain('500 training scenes');
    expect(text).toContain('not comparable with the paper');
  });

  it('computes no share of a gap that is within the seeds\' noise, or with a single seed', () => {
    // Supervised 0.3 points above Random, each ± 1.4 points over 2 seeds: not a gap to measure against
    const noisy = transfer(['detection mAP@0.5, frozen'], { random: [0.2], supervised: [0.203], 'cc-jigsaw++': [0.202] });
    expect(transferSection(plan, [noisy]).join('\n')).toContain('Supervised is not significantly above Random (0.3-point difference, Welch p = 0.');
    const single: Table = { ...noisy, cells: noisy.cells.map((row) => row.map(() => summarize([0.2]))) };
    expect(transferSection(plan, [single]).join('\n')).toContain('too few seeds to tell whether Supervised is above Random');
  });

  it('is left out when the study has no transfer table or its scale runs no dense protocol', () => {
    const table = transfer(['detection mAP@0.5'], { random: [0.2], supervised: [0.4], 'cc-jigsaw++': [0.3] });
    expect(transferSection(plan, [])).toEqual([]);
    const smoke = planStudy({ scale: SCALES.smoke, dataRoot: '/data/cifar10' });
    expect(transferSection(smoke, [table])).toEqual([]);
  });
});
