import { describe, expect, it } from 'vitest';
import { bestOfColumns, buildTable, sortLayers } from './aggregate';
import { summarize } from './stats';

describe('aggregation', () => {
  it('orders conv layers numerically and other columns after them', () => {
    expect(sortLayers(['conv5', 'all', 'conv1', 'conv3', 'conv1'])).toEqual(['conv1', 'conv3', 'conv5', 'all']);
  });

  it('summarises each (row, column) over seeds and marks the best non-reference mean of each column', () => {
    const values = new Map([
      ['a', new Map([['conv1', [0.3, 0.5]], ['conv2', [0.6, 0.6]]])],
      ['b', new Map([['conv1', [0.45, 0.45]], ['conv2', [0.2]]])],
      ['sup', new Map([['conv1', [0.9, 0.9]], ['conv2', [0.9, 0.9]]])],
    ]);
    const table = buildTable({
      id: 't', title: 'T', caption: 'c', rowHeader: 'Method',
      rows: [{ key: 'a', label: 'A' }, { key: 'b', label: 'B' }, { key: 'sup', label: 'Supervised', reference: true }, { key: 'absent', label: 'Absent' }],
      values,
    });
    expect(table.rows.map((row) => row.key)).toEqual(['a', 'b', 'sup']);
    expect(table.columns).toEqual(['conv1', 'conv2']);
    expect(table.cells[0]![0]).toMatchObject({ mean: 0.4, n: 2 });
    expect(table.cells[0]![0]!.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(table.best).toEqual([[false, true], [true, false], [false, false]]);
  });

  it('marks ties as best and skips missing cells', () => {
    const s = (v: number) => summarize([v]);
    expect(bestOfColumns([[s(0.5), undefined], [s(0.5), s(0.1)]], [false, false])).toEqual([[true, false], [true, true]]);
  });
});
