import { describe, expect, it } from 'vitest';
import { seedGroups } from './seed-groups';

describe('seed groups', () => {
  it('groups runs whose configs differ only in seed (key order and requirements ignored)', () => {
    const runs = [
      { id: 'a', method: 'jigsaw', config: { kind: 'pipeline', seed: 0, clustering: { k: 50, layer: 'conv4' } } },
      { id: 'b', method: 'jigsaw', config: { clustering: { layer: 'conv4', k: 50 }, seed: 1, kind: 'pipeline', requirements: { accelerator: 'gpu' } } },
      { id: 'c', method: 'jigsaw', config: { kind: 'pipeline', seed: 2, clustering: { k: 100, layer: 'conv4' } } },
      { id: 'd', method: 'cc-hog', config: { kind: 'pipeline', seed: 3, clustering: { k: 50, layer: 'conv4' } } },
      { id: 'e', method: 'jigsaw', config: { kind: 'pipeline', seed: 4, clustering: { k: 50, layer: 'conv4' } } },
    ];
    expect(seedGroups(runs)).toEqual([['a', 'b', 'e']]);
  });

  it('finds none among distinct configs', () => {
    expect(seedGroups([{ id: 'a', method: 'm', config: { seed: 0, x: 1 } }, { id: 'b', method: 'm', config: { seed: 0, x: 2 } }])).toEqual([]);
  });
});
