import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { solid, writeBytes, writeImage, writeMessyLabeledFolder } from '../testing/image-fixtures.js';
import { scanImageFolder } from './scan-image-folder.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-scan-'));
let expected: Awaited<ReturnType<typeof writeMessyLabeledFolder>>;
beforeAll(async () => {
  expected = await writeMessyLabeledFolder(join(base, 'labeled'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('scanImageFolder', () => {
  it('takes classes from sorted first-level folders and files from every depth, sorted by id', async () => {
    const scan = await scanImageFolder(join(base, 'labeled'));
    expect(scan.classes).toEqual(expected.classes);
    const imageIds = scan.images.map((image) => image.id);
    // The scan only filters by extension: broken files with image extensions are the decoder's to reject.
    const broken = ['dog/empty.jpg', 'dog/text.jpg', 'dog/truncated.jpg'];
    expect(imageIds).toEqual([...Object.keys(expected.valid), ...broken].sort());
    for (const image of scan.images) {
      const wanted = expected.valid[image.id] ?? 1;
      expect(image.label, image.id).toBe(wanted);
    }
  });

  it('ignores hidden files and folders and reports non-images and class-less images', async () => {
    const scan = await scanImageFolder(join(base, 'labeled'));
    expect(scan.images.some((image) => image.id.includes('.hidden') || image.id.startsWith('.'))).toBe(false);
    expect(scan.skipped).toEqual([
      { file: 'dog/notes.txt', reason: 'not an image file extension' },
      { file: 'stray.png', reason: 'image outside any class folder in a labeled dataset' },
    ]);
  });

  it('treats a flat folder as unlabeled, and labels "none" as unlabeled everywhere', async () => {
    const flat = join(base, 'flat');
    await writeImage(join(flat, 'a.png'), solid(8, 8, [1, 1, 1]).png());
    await writeImage(join(flat, 'B.WEBP'), solid(8, 8, [1, 1, 1]).webp());
    const scan = await scanImageFolder(flat);
    expect(scan.classes).toBeUndefined();
    expect(scan.images.map((image) => [image.id, image.label])).toEqual([
      ['B.WEBP', undefined],
      ['a.png', undefined],
    ]);
    const none = await scanImageFolder(join(base, 'labeled'), 'none');
    expect(none.classes).toBeUndefined();
    expect(none.images.map((image) => image.id)).toContain('stray.png');
  });

  it('requires class folders when labels are "folders"', async () => {
    await expect(scanImageFolder(join(base, 'flat'), 'folders')).rejects.toThrow(/no class sub-folders/);
  });

  it('follows symlinked files inside the folder but not ones leading outside', async () => {
    const root = join(base, 'links');
    await writeImage(join(root, 'cls', 'real.png'), solid(8, 8, [1, 1, 1]).png());
    await writeImage(join(base, 'elsewhere', 'secret.png'), solid(8, 8, [1, 1, 1]).png());
    symlinkSync(join(root, 'cls', 'real.png'), join(root, 'cls', 'alias.png'));
    symlinkSync(join(base, 'elsewhere', 'secret.png'), join(root, 'cls', 'escape.png'));
    const scan = await scanImageFolder(root);
    expect(scan.images.map((image) => image.id)).toEqual(['cls/alias.png', 'cls/real.png']);
    expect(scan.skipped).toEqual([{ file: 'cls/escape.png', reason: 'symlink points outside the dataset folder' }]);
  });

  it('fails clearly for a missing folder or a file given as folder', async () => {
    await expect(scanImageFolder(join(base, 'nope'))).rejects.toThrow(/dataset folder ".*nope" does not exist/);
    writeBytes(join(base, 'file.png'), 'x');
    await expect(scanImageFolder(join(base, 'file.png'))).rejects.toThrow(/is not a folder/);
    mkdirSync(join(base, 'empty'));
    expect((await scanImageFolder(join(base, 'empty'))).images).toEqual([]);
  });
});
