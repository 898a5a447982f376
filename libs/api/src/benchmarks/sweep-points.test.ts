import { describe, expect, it } from 'vitest';
import { sweepPointLabels } from './sweep-points';

describe('sweep points', () => {
  it('labels each run by the fields its sweep varies, leaving the seed out', () => {
    const config = (k: number, seed: number, subset = 'all') => ({ kind: 'pipeline', seed, data: { path: '/d', subset }, clustering: { k, layer: 'conv4' }, evaluation: { layers: ['conv1', 'conv2'] } });
    const labels = sweepPointLabels([
      { id: 'a', config: config(50, 0) },
      { id: 'b', config: config(50, 1) },
      { id: 'c', config: config(100, 0, 'first-half') },
    ]);
    expect(labels).toEqual(new Map([
      ['a', 'clustering.k = 50, data.subset = all'],
      ['b', 'clustering.k = 50, data.subset = all'],
      ['c', 'clustering.k = 100, data.subset = first-half'],
    ]));
  });

  it('names a field only some runs set, and gives runs that differ only in seed no label', () => {
    const labels = sweepPointLabels([
      { id: 'a', config: { seed: 0, clustering: { k: 5 } } },
      { id: 'b', config: { seed: 1, clustering: { k: 5, data: { subset: 'first-half' } } } },
    ]);
    expect(labels.get('a')).toBe('clustering.data.subset = (not set)');
    expect(labels.get('b')).toBe('clustering.data.subset = first-half');
    expect(sweepPointLabels([{ id: 'a', config: { seed: 0 } }, { id: 'b', config: { seed: 1 } }])).toEqual(new Map([['a', ''], ['b', '']]));
  });
});
