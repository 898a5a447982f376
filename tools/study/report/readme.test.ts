import { describe, expect, it } from 'vitest';
import { summarize, type Table } from '@ktlab/study';
import { readingSection } from './readme';

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
