/** Bad and unusual inputs beyond the messy-folder fixture: extreme sizes, a misnamed format, a symlink out. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PathEscapeError } from '../paths/resolve-inside.js';
import { pixelAt, solid, writeBytes, writeImage } from '../testing/image-fixtures.js';
import { imageAt } from './image-dataset.js';
import { loadDataset } from './load-dataset.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-load-edge-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('loadDataset edge cases', () => {
  it('loads a 1×1 image, a 1×300 strip and a PNG saved as .jpg; skips a 0-byte and a header-only file', async () => {
    const folder = join(base, 'odd');
    await writeImage(join(folder, 'a', 'dot.png'), solid(1, 1, [10, 20, 30]).png());
    await writeImage(join(folder, 'a', 'strip.png'), solid(1, 300, [40, 50, 60]).png());
    await writeImage(join(folder, 'b', 'misnamed.jpg'), solid(9, 9, [70, 80, 90]).png());
    writeBytes(join(folder, 'b', 'zero.png'), new Uint8Array(0));
    writeBytes(join(folder, 'b', 'header-only.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const dataset = await loadDataset({ kind: 'folder', path: folder, size: 8 }, { cacheDir: false });
    expect(dataset.ids).toEqual(['a/dot.png', 'a/strip.png', 'b/misnamed.jpg']);
    expect(pixelAt(imageAt(dataset, 0), 8, 3, 4, 4)).toEqual([10, 20, 30]);
    expect(pixelAt(imageAt(dataset, 1), 8, 3, 4, 4)).toEqual([40, 50, 60]);
    expect(pixelAt(imageAt(dataset, 2), 8, 3, 4, 4)).toEqual([70, 80, 90]);
    expect(dataset.skipped.map((s) => s.file).sort()).toEqual(['b/header-only.png', 'b/zero.png']);
    for (const skipped of dataset.skipped) expect(skipped.reason.length).toBeGreaterThan(0);
  });

  it('refuses a dataset path that reaches outside the data root through a symlink', async () => {
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    await writeImage(join(outside, 'x', 'secret.png'), solid(4, 4, [1, 2, 3]).png());
    mkdirSync(root, { recursive: true });
    symlinkSync(outside, join(root, 'escape'));
    await expect(loadDataset({ kind: 'folder', path: 'escape' }, { dataRoot: root, cacheDir: false })).rejects.toThrow(PathEscapeError);
    await expect(loadDataset({ kind: 'folder', path: `${root}/../outside` }, { dataRoot: root, cacheDir: false })).rejects.toThrow(PathEscapeError);
  });
});
