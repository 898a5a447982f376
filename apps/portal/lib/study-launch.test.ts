import { describe, expect, it } from 'vitest';
import { SCALES } from '@ktlab/study';
import { defaultLaunchDraft, launchRequest } from './study-launch';

describe('the study launch control', () => {
  it('sends only what differs from the scale: its seeds and rows are the defaults', () => {
    expect(launchRequest(defaultLaunchDraft('quick'))).toEqual({ request: { scale: 'quick' } });
    expect(defaultLaunchDraft('smoke').rows).toEqual(SCALES.smoke.rows);
    const draft = { ...defaultLaunchDraft('quick'), seeds: ' 2 ', rows: ['jigsaw', 'random'] as const, dataRoot: ' ../data/cifar10 ' };
    // rows in the scale's order, whatever order they were checked in
    expect(launchRequest(draft)).toEqual({ request: { scale: 'quick', seeds: 2, only: ['random', 'jigsaw'], dataRoot: '../data/cifar10' } });
  });

  it('refuses seeds that are not a whole number from 1 to 10, and no rows', () => {
    for (const seeds of ['0', '11', '1.5', 'two', '-1']) expect(launchRequest({ ...defaultLaunchDraft('quick'), seeds }), seeds).toEqual({ error: 'seeds: a whole number from 1 to 10' });
    expect(launchRequest({ ...defaultLaunchDraft('quick'), seeds: '10' })).toEqual({ request: { scale: 'quick', seeds: 10 } });
    expect(launchRequest({ ...defaultLaunchDraft('quick'), rows: [] })).toEqual({ error: 'rows: pick at least one row' });
    // a row the scale does not have counts as unchecked
    expect(launchRequest({ ...defaultLaunchDraft('smoke'), rows: ['jigsaw'] })).toEqual({ error: 'rows: pick at least one row' });
  });
});
