import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../../testing';
import { scanDataset } from './scan-dataset';

describe('datasets router', () => {
  let api: TestApi;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ktlab-datasets-'));
    for (const [cls, n] of [['cat', 3], ['dog', 2]] as const) {
      mkdirSync(join(dir, 'labelled', cls, 'nested'), { recursive: true });
      for (let i = 0; i < n; i++) writeFileSync(join(dir, 'labelled', cls, `${i}.jpg`), 'x');
      writeFileSync(join(dir, 'labelled', cls, 'nested', 'deep.PNG'), 'x');
      writeFileSync(join(dir, 'labelled', cls, 'notes.txt'), 'not an image');
    }
    writeFileSync(join(dir, 'labelled', '.hidden.jpg'), 'x');
    mkdirSync(join(dir, 'flat'));
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'flat', `${i}.png`), 'x');
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'cifar'));
    writeFileSync(join(dir, 'cifar', 'data_batch_1.bin'), Buffer.alloc(3073 * 3));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    api = await createTestApi();
  });
  afterEach(() => api.close());

  it('registers a labelled folder with its image count, lists and removes it', async () => {
    const registered = await api.user.datasets.register({ name: 'tiny', path: join(dir, 'labelled') });
    expect(registered).toMatchObject({ name: 'tiny', format: 'folder', location: join(dir, 'labelled'), imageCount: 7, labeled: true, classes: 2 });
    const flat = await api.user.datasets.register({ name: 'flat', path: join(dir, 'flat') });
    expect(flat).toMatchObject({ imageCount: 4, labeled: false });
    const cifar = await api.user.datasets.register({ name: 'cifar', path: join(dir, 'cifar'), format: 'cifar-binary' });
    expect(cifar).toMatchObject({ imageCount: 3, labeled: true });
    expect((await api.user.datasets.list({})).map((d) => d.name)).toEqual(['cifar', 'flat', 'tiny']);
    await api.user.datasets.remove({ id: registered.id });
    expect((await api.user.datasets.list({})).map((d) => d.name)).toEqual(['cifar', 'flat']);
  });

  it('refuses missing, empty and duplicate datasets with a clear message', async () => {
    await expect(api.user.datasets.register({ name: 'x', path: join(dir, 'nope') })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('does not exist') });
    await expect(api.user.datasets.register({ name: 'x', path: join(dir, 'empty') })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('no images') });
    await expect(api.user.datasets.register({ name: 'x', path: join(dir, 'flat'), format: 'cifar-binary' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await api.user.datasets.register({ name: 'same', path: join(dir, 'flat') });
    await expect(api.user.datasets.register({ name: 'same', path: join(dir, 'labelled') })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('keeps datasets to members of their project', async () => {
    const registered = await api.user.datasets.register({ name: 'private', path: join(dir, 'flat') });
    const outsider = await api.newUser('Outsider', { projects: ['elsewhere'] });
    await expect(outsider.caller.datasets.list({ projectSlug: 'default' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(outsider.caller.datasets.register({ projectSlug: 'default', name: 'x', path: join(dir, 'flat') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(outsider.caller.datasets.remove({ id: registered.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await outsider.caller.datasets.list({ projectSlug: 'elsewhere' })).toEqual([]);
    await expect(api.anonymous.datasets.list({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('rejects paths outside the allowed roots, symlinks included', async () => {
    const roots = [join(dir, 'labelled')];
    // cat/ has a sub-folder, so it reads as labelled: only nested/deep.PNG is inside a class folder (as libs/data reads it)
    await expect(scanDataset(join(dir, 'labelled', 'cat'), 'folder', roots)).resolves.toMatchObject({ imageCount: 1, labeled: true, classes: 1 });
    await expect(scanDataset(join(dir, 'flat'), 'folder', roots)).rejects.toThrow(/outside the allowed dataset folders/);
    await expect(scanDataset(join(dir, 'labelled', '..', 'flat'), 'folder', roots)).rejects.toThrow(/outside/);
    symlinkSync(join(dir, 'flat'), join(dir, 'labelled', 'escape'));
    try {
      await expect(scanDataset(join(dir, 'labelled', 'escape'), 'folder', roots)).rejects.toThrow(/outside/);
    } finally {
      rmSync(join(dir, 'labelled', 'escape'));
    }
  });
});
