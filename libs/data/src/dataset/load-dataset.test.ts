import { appendFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PathEscapeError } from '../paths/resolve-inside.js';
import { pixelAt, solid, writeBytes, writeImage, writeMessyLabeledFolder } from '../testing/image-fixtures.js';
import { imageAt } from './image-dataset.js';
import { loadDataset } from './load-dataset.js';
import type { LoadProgress } from './load-options.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-load-'));
const messy = join(base, 'messy');
let expected: Awaited<ReturnType<typeof writeMessyLabeledFolder>>;
beforeAll(async () => {
  expected = await writeMessyLabeledFolder(messy);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const freshCache = () => mkdtempSync(join(base, 'cache-'));

describe('loadDataset on an image folder', () => {
  it('loads every valid image at the working size and reports each skipped file with its reason', async () => {
    const dataset = await loadDataset({ kind: 'folder', path: messy, size: 16 }, { cacheDir: false });
    expect(dataset).toMatchObject({ count: 8, size: 16, channels: 3, classes: ['cat', 'dog'], loadedFrom: 'source' });
    expect(dataset.images.length).toBe(8 * 16 * 16 * 3);
    expect(dataset.ids).toEqual(Object.keys(expected.valid));
    expect(Array.from(dataset.labels!)).toEqual(Object.values(expected.valid));
    expect(dataset.skipped.map((s) => s.file)).toEqual(expected.skipped);
    const reasons = Object.fromEntries(dataset.skipped.map((s) => [s.file, s.reason]));
    expect(reasons['dog/empty.jpg']).toBe('empty file (0 bytes)');
    expect(reasons['dog/truncated.jpg']).toMatch(/^cannot decode: .*(premature end|corrupt)/i);
    expect(reasons['dog/text.jpg']).toMatch(/^cannot decode: .*unsupported image format/);
    expect(reasons['dog/notes.txt']).toBe('not an image file extension');
  });

  it('decodes each kind of image to the right pixels', async () => {
    const dataset = await loadDataset({ kind: 'folder', path: messy, size: 16 }, { cacheDir: false });
    const centre = (id: string) => pixelAt(imageAt(dataset, dataset.ids.indexOf(id)), 16, 3, 8, 8);
    expect(centre('cat/red.png')).toEqual([200, 30, 40]);
    expect(centre('dog/grey.png')).toEqual([77, 77, 77]);
    expect(centre('dog/deep16.png')).toEqual([100, 150, 200]);
    expect(centre('dog/odd 17x45.png')).toEqual([5, 90, 180]);
    const rgba = imageAt(dataset, dataset.ids.indexOf('dog/rgba.png'));
    expect(pixelAt(rgba, 16, 3, 2, 8)).toEqual([0, 0, 0]);
    expect(pixelAt(rgba, 16, 3, 12, 8)).toEqual([250, 120, 10]);
    const jpeg = centre('cat/Big Photo.JPG');
    [30, 160, 60].forEach((value, c) => expect(Math.abs(jpeg[c] - value)).toBeLessThanOrEqual(3));
  });

  it('defaults the working size to the shorter side of the first readable image, and supports one channel', async () => {
    const dataset = await loadDataset({ kind: 'folder', path: messy, channels: 1 }, { cacheDir: false });
    expect(dataset.size).toBe(24); // cat/Big Photo.JPG is 40×24
    expect(dataset.channels).toBe(1);
    expect(dataset.images.length).toBe(8 * 24 * 24);
  });

  it('loads a flat folder as unlabeled', async () => {
    const flat = join(base, 'flat');
    await writeImage(join(flat, 'one.png'), solid(8, 8, [9, 9, 9]).png());
    await writeImage(join(flat, 'two.JPEG'), solid(12, 8, [9, 9, 9]).jpeg());
    const dataset = await loadDataset({ kind: 'folder', path: flat, size: 8 }, { cacheDir: false });
    expect(dataset.count).toBe(2);
    expect(dataset.labels).toBeUndefined();
    expect(dataset.classes).toBeUndefined();
  });

  it('fails with a clear message when no image is valid, naming the folder and the reasons', async () => {
    const broken = join(base, 'broken');
    writeBytes(join(broken, 'a.jpg'), '');
    writeBytes(join(broken, 'b.png'), 'text');
    const attempt = loadDataset({ kind: 'folder', path: broken, size: 8 }, { cacheDir: freshCache() });
    await expect(attempt).rejects.toThrow(/dataset folder ".*broken" has no valid image/);
    await expect(attempt).rejects.toThrow(/a\.jpg: empty file/);
    await expect(loadDataset({ kind: 'folder', path: broken }, { cacheDir: false })).rejects.toThrow(/no valid image/);
  });

  it('fails clearly for a missing folder and an invalid spec', async () => {
    await expect(loadDataset({ kind: 'folder', path: join(base, 'missing') })).rejects.toThrow(/does not exist/);
    await expect(loadDataset({ kind: 'folder', path: messy, size: 0 } as never)).rejects.toThrow(/invalid dataset spec[\s\S]*size/);
    await expect(loadDataset({ kind: 'zip', path: messy } as never)).rejects.toThrow(/invalid dataset spec/);
  });

  it('keeps the dataset path inside the data root', async () => {
    await expect(loadDataset({ kind: 'folder', path: '../../etc' }, { dataRoot: messy })).rejects.toThrow(PathEscapeError);
    const inside = await loadDataset({ kind: 'folder', path: 'cat', size: 8, labels: 'none' }, { dataRoot: messy, cacheDir: false });
    expect(inside.ids).toEqual(['Big Photo.JPG', 'nested/deeper/blue.png', 'red.png']);
    expect(inside.labels).toBeUndefined();
  });
});

describe('the decode cache', () => {
  it('serves an unchanged folder from the cache with identical content', async () => {
    const cacheDir = freshCache();
    const phases: LoadProgress['phase'][] = [];
    const first = await loadDataset({ kind: 'folder', path: messy, size: 16 }, { cacheDir, onProgress: (p) => phases.push(p.phase) });
    expect(first.loadedFrom).toBe('source');
    expect(phases).toContain('decode');
    expect(phases).toContain('write-cache');
    const files = readdirSync(cacheDir);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.u8'))).toHaveLength(1);

    phases.length = 0;
    const second = await loadDataset({ kind: 'folder', path: messy, size: 16 }, { cacheDir, onProgress: (p) => phases.push(p.phase) });
    expect(second.loadedFrom).toBe('cache');
    expect(phases).not.toContain('decode');
    expect(second.images).toEqual(first.images);
    expect(second.labels).toEqual(first.labels);
    expect(second.ids).toEqual(first.ids);
    expect(second.classes).toEqual(first.classes);
    expect(second.skipped).toEqual(first.skipped);
  });

  it('keeps one cache per working format', async () => {
    const cacheDir = freshCache();
    await loadDataset({ kind: 'folder', path: messy, size: 16 }, { cacheDir });
    const other = await loadDataset({ kind: 'folder', path: messy, size: 8 }, { cacheDir });
    expect(other).toMatchObject({ loadedFrom: 'source', size: 8 });
    expect((await loadDataset({ kind: 'folder', path: messy, size: 16 }, { cacheDir })).loadedFrom).toBe('cache');
  });

  it('rebuilds when a file is edited, added or removed, and drops the old pixel file', async () => {
    const cacheDir = freshCache();
    const root = join(base, 'changing');
    await writeImage(join(root, 'a', '1.png'), solid(8, 8, [10, 10, 10]).png());
    await writeImage(join(root, 'b', '2.png'), solid(8, 8, [20, 20, 20]).png());
    const spec = { kind: 'folder', path: root, size: 8 } as const;
    await loadDataset(spec, { cacheDir });

    await writeImage(join(root, 'a', '1.png'), solid(8, 8, [99, 99, 99]).png());
    utimesSync(join(root, 'a', '1.png'), new Date(), new Date(Date.now() + 5000));
    const edited = await loadDataset(spec, { cacheDir });
    expect(edited.loadedFrom).toBe('source');
    expect(pixelAt(imageAt(edited, 0), 8, 3, 0, 0)).toEqual([99, 99, 99]);
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.u8'))).toHaveLength(1);

    await writeImage(join(root, 'b', '3.png'), solid(8, 8, [30, 30, 30]).png());
    const added = await loadDataset(spec, { cacheDir });
    expect(added).toMatchObject({ loadedFrom: 'source', count: 3 });

    rmSync(join(root, 'b', '2.png'));
    appendFileSync(join(root, 'b', 'README'), 'x');
    const removed = await loadDataset(spec, { cacheDir });
    expect(removed).toMatchObject({ loadedFrom: 'source', count: 2, ids: ['a/1.png', 'b/3.png'] });
    expect(removed.skipped).toEqual([{ file: 'b/README', reason: 'not an image file extension' }]);
    expect((await loadDataset(spec, { cacheDir })).loadedFrom).toBe('cache');
  });

  it('rebuilds from a corrupt index or a missing pixel file instead of failing', async () => {
    const cacheDir = freshCache();
    const spec = { kind: 'folder', path: messy, size: 8 } as const;
    const first = await loadDataset(spec, { cacheDir });
    const index = readdirSync(cacheDir).find((f) => f.endsWith('.json'))!;
    writeFileSync(join(cacheDir, index), '{"formatVersion": 1, "trunc');
    const afterCorruptIndex = await loadDataset(spec, { cacheDir });
    expect(afterCorruptIndex.loadedFrom).toBe('source');
    expect(afterCorruptIndex.images).toEqual(first.images);

    rmSync(join(cacheDir, readdirSync(cacheDir).find((f) => f.endsWith('.u8'))!));
    expect((await loadDataset(spec, { cacheDir })).loadedFrom).toBe('source');
    expect((await loadDataset(spec, { cacheDir })).loadedFrom).toBe('cache');
  });
});
