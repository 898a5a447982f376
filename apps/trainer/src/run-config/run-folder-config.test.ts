import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { presetConfig } from '@ktlab/config';
import { configDifferences, runFolderConflict } from './run-folder-config';

describe('configDifferences', () => {
  it('lists the dotted paths where two configs differ, lists compared whole', () => {
    expect(configDifferences({ a: 1, b: { c: [1, 2], d: 'x' } }, { a: 1, b: { c: [1, 2], d: 'x' } })).toEqual([]);
    expect(configDifferences({ a: 1, b: { c: [1, 2], d: 'x' } }, { a: 2, b: { c: [1, 3], e: true } })).toEqual(['a', 'b.c', 'b.d', 'b.e']);
    expect(configDifferences(1, 2)).toEqual(['(config)']);
  });
});

describe('runFolderConflict', () => {
  const root = mkdtempSync(join(tmpdir(), 'ktlab-run-folder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const config = presetConfig('cc-jigsaw++', { data: { path: '/d' }, quick: true });

  it('lets a new folder and a resume of the same config through, and refuses another config naming the fields', () => {
    const dir = join(root, 'run');
    expect(runFolderConflict(dir, config)).toBeUndefined();
    mkdirSync(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    expect(runFolderConflict(dir, config)).toBeUndefined();
    if (config.kind !== 'pipeline') throw new Error('expected a pipeline');
    const other = { ...config, pretext: { ...config.pretext, epochs: 10 }, clustering: { ...config.clustering, k: 50 } };
    expect(runFolderConflict(dir, other)).toBe(
      `${dir} holds a run of another config (it differs at pretext.epochs, clustering.k); resuming it would mix the two. Pass --run-dir <new folder>, or delete the folder to start again`,
    );
    writeFileSync(join(dir, 'config.json'), '{"kind": "pipeline"');
    expect(runFolderConflict(dir, config)).toMatch(/config\.json cannot be read as a run config .*; pass --run-dir <new folder>$/);
  });
});
