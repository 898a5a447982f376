import { describe, expect, it } from 'vitest';
import { diffConfigs, flattenConfig } from './config-diff';

describe('diffConfigs', () => {
  it('keeps only the fields that differ, one value per run in order', () => {
    const a = { kind: 'pipeline', seed: 0, clustering: { k: 500, grid: [3, 3], layer: 'conv4' } };
    const b = { kind: 'pipeline', seed: 1, clustering: { k: 500, grid: [5, 5], layer: 'conv4' } };
    const c = { kind: 'pipeline', seed: 0, clustering: { k: 500, grid: [3, 3], layer: 'conv4' } };
    expect(diffConfigs([a, b, c])).toEqual([
      { path: 'seed', values: [0, 1, 0] },
      { path: 'clustering.grid', values: [[3, 3], [5, 5], [3, 3]] },
    ]);
  });

  it('reports a field present in one config only, and nothing for identical configs', () => {
    const withData = { clustering: { k: 2, data: { path: '/x' } } };
    const without = { clustering: { k: 2 } };
    expect(diffConfigs([without, withData])).toEqual([{ path: 'clustering.data.path', values: [undefined, '/x'] }]);
    expect(diffConfigs([withData, structuredClone(withData)])).toEqual([]);
  });

  it('treats NaN as equal to itself and distinguishes 0 from "0"', () => {
    expect(diffConfigs([{ a: Number.NaN, b: 0 }, { a: Number.NaN, b: '0' }])).toEqual([{ path: 'b', values: [0, '0'] }]);
  });

  it('flattens nested objects to dotted leaf paths', () => {
    expect([...flattenConfig({ a: { b: { c: 1 } }, d: [1], e: {} }).entries()]).toEqual([
      ['a.b.c', 1],
      ['d', [1]],
      ['e', {}],
    ]);
  });
});
