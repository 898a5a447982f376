import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetOpenedDatasets, openDataset } from './datasets';

const root = mkdtempSync(join(tmpdir(), 'ktlab-open-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  for (const cls of ['a', 'b']) {
    mkdirSync(join(root, 'data', cls), { recursive: true });
    for (let i = 0; i < 4; i++) await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: i * 40, g: 9, b: 9 } } }).png().toFile(join(root, 'data', cls, `${i}.png`));
  }
  writeFileSync(join(root, 'data', 'a', 'broken.jpg'), Buffer.from('not a jpeg'));
});

describe('openDataset', () => {
  it('reports a folder\'s unreadable files once per pipeline run, however many subsets of it the run opens', async () => {
    const logs: string[] = [];
    const skippedCounts: number[] = [];
    const options = { size: 8, seed: 1, cacheDir: join(root, 'cache'), log: (line: string) => logs.push(line), onSkipped: (count: number) => skippedCounts.push(count) };
    const path = join(root, 'data');
    const train = await openDataset({ path, format: 'folder', subset: 'first-half' }, options);
    const test = await openDataset({ path, format: 'folder', subset: 'second-half' }, options);
    expect(train.count + test.count).toBe(8);
    expect(logs).toEqual([`${path}: skipped 1 unreadable file(s): a/broken.jpg (${train.skipped[0]!.reason})`]);
    // The metric still hears every dataset (its chart shows the largest count).
    expect(skippedCounts).toEqual([1, 1]);

    forgetOpenedDatasets();
    await openDataset({ path, format: 'folder', subset: 'all' }, options);
    expect(logs).toHaveLength(2);
    forgetOpenedDatasets();
  });
});
