import { describe, expect, it } from 'vitest';
import { sharedMetrics } from './shared-metrics';

const once = (key: string, last: number) => ({ key, points: 1, last });
const curve = (key: string, last: number) => ({ key, points: 2, last });

describe('shared metrics of compared runs', () => {
  it('draws a key every run has when one of them logged it more than once; keys logged once are single values', () => {
    const result = sharedMetrics([
      [curve('loss', 0.5), once('acc', 0.25), curve('lr', 0.1)],
      [once('loss', 0.7), once('acc', 0.5)],
      [curve('loss', 0.6), once('final', 3)],
    ]);
    expect(result.curveKeys).toEqual(['loss']);
    expect(result.summaryMetrics).toEqual([
      { key: 'acc', values: [0.25, 0.5, null] },
      { key: 'final', values: [null, null, 3] },
    ]);
  });

  it('sorts the curves and finds none when a run lacks every key', () => {
    expect(sharedMetrics([[curve('b', 1), curve('a', 1)], [curve('a', 2), curve('b', 2)]]).curveKeys).toEqual(['a', 'b']);
    expect(sharedMetrics([[curve('a', 1)], []])).toEqual({ curveKeys: [], summaryMetrics: [] });
    expect(sharedMetrics([])).toEqual({ curveKeys: [], summaryMetrics: [] });
  });
});
