import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineConfigSchema } from '@ktlab/config';
import type { PipelineContext } from './context';
import { forgetOpenedDatasets, openRunDataset, openUncached } from './datasets';

async function writeTinyImages(folder: string, count: number, shade: number): Promise<void> {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    await sharp(Buffer.alloc(8 * 8 * 3, shade + i), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(folder, `img-${i}.png`));
  }
}

describe('the worker opens datasets only inside KTLAB_DATASET_ROOTS', () => {
  let base: string;
  let roots: string[];
  beforeAll(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'ktlab-open-roots-')));
    await writeTinyImages(join(base, 'shared', 'registered', 'cat'), 3, 10);
    await writeTinyImages(join(base, 'private', 'cat'), 5, 200);
    mkdirSync(join(base, 'state'));
    writeFileSync(join(base, 'state', 'admin-credentials'), 'password=x');
    writeFileSync(join(base, 'state', 'postmaster.pid'), '1');
    roots = [join(base, 'shared')];
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const options = () => ({ size: 8, seed: 0, cacheDir: join(base, 'cache'), datasetRoots: undefined as string[] | undefined });


  it('reads a folder inside the roots', async () => {
    const dataset = await openUncached({ path: join(base, 'shared', 'registered'), format: 'folder', subset: 'all' }, { ...options(), datasetRoots: roots, field: 'data' });
    expect(dataset.count).toBe(3);
  });

  it('refuses, naming the field, a registered folder swapped for a symlink to outside after the portal checked it', async () => {
    const config = pipelineConfigSchema.parse({
      kind: 'pipeline',
      data: { path: join(base, 'shared', 'registered') },
      evaluation: { test: { path: join(base, 'shared', 'swapped') } },
    });
    // the portal accepted it while `swapped` was a real folder inside the root; then it became a link to private/
    await writeTinyImages(join(base, 'shared', 'swapped', 'cat'), 2, 50);
    renameSync(join(base, 'shared', 'swapped'), join(base, 'shared', 'swapped-was'));
    symlinkSync(join(base, 'private'), join(base, 'shared', 'swapped'));
    const context = { config, datasetRoots: roots, cacheDir: join(base, 'cache'), log: () => undefined, metric: () => undefined } as unknown as PipelineContext;
    try {
      await expect(openRunDataset(context, config.evaluation.test!, 8)).rejects.toThrow(
        /^evaluation\.test: ".*swapped" leads outside the allowed dataset folders through a symlink$/,
      );
      await expect(openRunDataset(context, config.data, 8)).resolves.toMatchObject({ count: 3 });
    } finally {
      forgetOpenedDatasets();
    }
  });

  it('refuses a folder outside the roots without saying what it holds', async () => {
    const error = (await openUncached({ path: join(base, 'state'), format: 'folder', subset: 'all' }, { ...options(), datasetRoots: roots, field: 'evaluation.test' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^evaluation\.test: ".*state" is outside the allowed dataset folders/);
    expect(error.message).not.toContain('admin-credentials');
  });

  it('never lists the files of a folder that holds no image, even with no roots set (a run pointed at /etc)', async () => {
    const error = (await openUncached({ path: join(base, 'state'), format: 'folder', subset: 'all' }, options()).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/has no valid image \(2 file\(s\) seen, 2 skipped, 2 of them not image files\)$/);
    expect(error.message).not.toContain('admin-credentials');
    expect(error.message).not.toContain('postmaster.pid');
  });
});
