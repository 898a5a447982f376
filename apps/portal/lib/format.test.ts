import { describe, expect, it } from 'vitest';
import { formatMetricValue, formatPercent, formatPointDelta, isAccuracyMetric, meanStd } from './format';

describe('one unit for accuracies', () => {
  it('recognises accuracy metrics by name', () => {
    for (const key of ['top1', 'eval/linear/conv3/top1', 'pretext/heldout_top1', 'train/acc', 'val.accuracy', 'pseudo-labels/purity']) expect(isAccuracyMetric(key)).toBe(true);
    for (const key of ['train/loss', 'kmeans/objective', 'top1_count', 'nmi']) expect(isAccuracyMetric(key)).toBe(false);
  });

  it('shows accuracies in percent with one decimal, differences in points', () => {
    expect(formatPercent(0.7642)).toBe('76.4%');
    expect(formatPercent(-0.0001)).toBe('0.0%');
    expect(formatPointDelta(0.02)).toBe('+2.0 pp');
    expect(formatPointDelta(-0.07)).toBe('-7.0 pp');
    expect(formatPointDelta(0.0001)).toBe('±0.0 pp');
    expect(formatMetricValue('eval/linear/conv1/top1', 0.5)).toBe('50.0%');
    expect(formatMetricValue('train/loss', 0.5)).toBe('0.5');
  });

  it('gives mean and sample standard deviation', () => {
    expect(meanStd([0.52, 0.54]).mean).toBeCloseTo(0.53);
    expect(meanStd([0.52, 0.54]).std).toBeCloseTo(Math.SQRT2 / 100);
    expect(meanStd([3])).toEqual({ mean: 3, std: 0 });
  });
});
