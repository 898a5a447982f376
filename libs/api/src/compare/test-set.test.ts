import { describe, expect, it } from 'vitest';
import { describeTestSet, splitSizes } from './test-set';

const registered = [
  { name: 'cifar10-test', location: '../shared/datasets/cifar10/test', imageCount: 10_000 },
  { name: 'cifar10-train', location: '../shared/datasets/cifar10/train/', imageCount: 50_000 },
  { name: 'unscanned', location: '/data/unscanned', imageCount: null },
];

describe('test sets as the eval tables name them', () => {
  it('names a registered test set and its size', () => {
    expect(describeTestSet('../shared/datasets/cifar10/test', registered)).toEqual({ dataset: '../shared/datasets/cifar10/test', label: 'cifar10-test', images: 10_000 });
  });

  it('counts the held-out 20% of a limited training set (quick runs), matching a trailing slash', () => {
    expect(describeTestSet('../shared/datasets/cifar10/train [5000] (held-out 20%)', registered)).toEqual({
      dataset: '../shared/datasets/cifar10/train [5000] (held-out 20%)',
      label: 'cifar10-train, first 5,000, 20% held out',
      images: 1000,
    });
  });

  it('counts a half, then a limit', () => {
    expect(describeTestSet('../shared/datasets/cifar10/test (second-half) [8000]', registered).images).toBe(5000);
    expect(describeTestSet('../shared/datasets/cifar10/test (first-half)', registered)).toMatchObject({ label: 'cifar10-test, first half', images: 5000 });
  });

  it('keeps the path of an unregistered set and says its size is unknown', () => {
    expect(describeTestSet('/elsewhere/imgs (held-out 20%)', registered)).toEqual({ dataset: '/elsewhere/imgs (held-out 20%)', label: '/elsewhere/imgs, 20% held out', images: null });
    expect(describeTestSet('/data/unscanned', registered).images).toBeNull();
    expect(describeTestSet('cifar10-test', registered)).toMatchObject({ label: 'cifar10-test', images: null });
  });

  it('splits by largest remainder, as splitIndices does', () => {
    expect(splitSizes(10, [0.8, 0.2])).toEqual([8, 2]);
    expect(splitSizes(7, [0.8, 0.2])).toEqual([6, 1]); // 5.6 + 1.4: the 0.6 remainder gets the missing one
    expect(splitSizes(9, [0.5, 0.5])).toEqual([5, 4]); // a tie goes to the first part
  });
});
