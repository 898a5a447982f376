import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '@ktlab/config';
import { configFingerprint, importedStages, importKey, runFolderImport } from './import-input';
import type { RunFolder } from './run-folder';

const at = (time: string) => new Date(`2026-11-23T${time}Z`);
const pipeline = { kind: 'pipeline', data: { path: '/data/train' } } as unknown as RunFolder['config'];
const smoke = runConfigSchema.parse({ kind: 'smoke' });

describe('import requests', () => {
  it('keys differ whenever a part differs, including where the parts split', () => {
    expect(importKey('a', 'b')).toMatch(/^[0-9a-f]{64}$/);
    expect(importKey('a', 'b')).toBe(importKey('a', 'b'));
    expect(importKey('ab', 'c')).not.toBe(importKey('a', 'bc'));
    expect(configFingerprint(smoke)).not.toBe(configFingerprint({ ...smoke, seed: 1 }));
  });

  it('times stages from their records and measured seconds, and marks the unrecorded pipeline stages skipped', () => {
    const stages = importedStages(
      pipeline,
      [
        { kind: 'eval', finishedAt: at('10:09:00') },
        { kind: 'features', finishedAt: at('10:02:00') },
        { kind: 'kmeans', finishedAt: at('10:03:00') },
        // restored from another run's checkpoint: finished before this run started
        { kind: 'pretext', finishedAt: at('09:00:00') },
      ],
      { startedAt: at('10:00:00'), stageSeconds: { eval: 60 } },
    );
    expect(stages).toEqual([
      { kind: 'pretext', status: 'succeeded', finishedAt: at('09:00:00') },
      { kind: 'features', status: 'succeeded', startedAt: at('10:00:00'), finishedAt: at('10:02:00') },
      { kind: 'kmeans', status: 'succeeded', startedAt: at('10:02:00'), finishedAt: at('10:03:00') },
      { kind: 'eval', status: 'succeeded', startedAt: at('10:08:00'), finishedAt: at('10:09:00') },
      { kind: 'pseudo-labels', status: 'skipped' },
      { kind: 'cluster-classification', status: 'skipped' },
    ]);
    expect(importedStages(smoke, [], { startedAt: at('10:00:00') })).toEqual([]);
  });

  it('builds the request from the folder, with overrides', () => {
    const folder: RunFolder = {
      dir: '/runs/a',
      config: smoke,
      results: [{ protocol: 'knn', layer: 'conv5', dataset: 'test', metric: 'top1', value: 0.2 }],
      stages: [],
      startedAt: at('10:00:00'),
      finishedAt: at('11:00:00'),
    };
    const identity = { method: 'smoke', importedFrom: 'cli@laptop', importKey: importKey('x') };
    expect(runFolderImport(folder, identity)).toEqual({ ...identity, tags: [], config: smoke, startedAt: at('10:00:00'), finishedAt: at('11:00:00'), stages: [], evalResults: folder.results });
    const overridden = runFolderImport(folder, { ...identity, name: 'n', tags: ['t'], projectSlug: 'p' }, { results: [], finishedAt: at('10:30:00') });
    expect(overridden).toMatchObject({ name: 'n', tags: ['t'], projectSlug: 'p', evalResults: [], finishedAt: at('10:30:00') });
  });
});
