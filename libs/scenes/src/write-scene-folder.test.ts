import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCocoJson, scenesToCoco } from './coco.js';
import { generateSceneSplits } from './generate-scenes.js';
import { loadSceneSources } from './load-scene-sources.js';
import { decodeRle } from './rle.js';
import { syntheticSource } from './testing/synthetic-source.js';
import { readCocoFile, writeSceneFolder } from './write-scene-folder.js';

const root = mkdtempSync(join(tmpdir(), 'ktlab-scenes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A labelled image folder as users have it: [<split>/]<class>/*.png, 24×24 solid colours. */
async function writeLabelledFolder(folder: string, splits: string[]) {
  for (const split of splits) {
    for (const [c, name] of ['cat', 'dog'].entries()) {
      await mkdir(join(folder, split, name), { recursive: true });
      for (let i = 0; i < 4; i++) {
        const data = Buffer.alloc(24 * 24 * 3, 40 + 60 * c + 10 * i);
        await sharp(data, { raw: { width: 24, height: 24, channels: 3 } }).png().toFile(join(folder, split, name, `${i}.png`));
      }
    }
  }
}

describe('writeSceneFolder / readCocoFile', () => {
  it('writes images, class maps and COCO JSON that read back to the same scenes', async () => {
    const splits = generateSceneSplits({ train: syntheticSource(10), test: syntheticSource(10) }, { trainScenes: 4, testScenes: 3, seed: 5 });
    const out = join(root, 'scenes');
    const written = await writeSceneFolder(out, splits, { options: { seed: 5 } });
    expect(written.map((w) => [w.split, w.images])).toEqual([
      ['train', 4],
      ['test', 3],
    ]);

    const coco = await readCocoFile(join(out, 'test', 'annotations.json'));
    expect(coco).toEqual(scenesToCoco(splits.test, splits.classes, { split: 'test', options: { seed: 5 } }));
    expect(coco.categories.map((c) => c.name)).toEqual(['class0', 'class1', 'class2']);
    expect(coco.annotations).toHaveLength(splits.test.reduce((n, s) => n + s.objects.length, 0));

    const scene = splits.test[1];
    const annotation = coco.annotations.find((a) => a.image_id === 2)!;
    expect(Array.from(decodeRle(annotation.segmentation))).toEqual(Array.from(scene.instanceMap, (v) => (v === 1 ? 1 : 0)));
    const image = coco.images.find((i) => i.id === 2)!;
    const pixels = await sharp(join(out, 'test', image.file_name)).raw().toBuffer();
    expect(pixels.equals(Buffer.from(scene.pixels))).toBe(true);
    const maskFile = join(out, 'test', 'masks', '000002.png');
    expect((await sharp(maskFile).metadata()).channels).toBe(1);
    const classMap = await sharp(maskFile).extractChannel(0).raw().toBuffer();
    expect(classMap.equals(Buffer.from(scene.classMap))).toBe(true);
  });

  it('writes byte-identical files for the same seed', async () => {
    const make = async (dir: string) => {
      const splits = generateSceneSplits({ train: syntheticSource(10), test: syntheticSource(10) }, { trainScenes: 2, testScenes: 2, seed: 11 });
      await writeSceneFolder(join(root, dir), splits);
      return ['train/annotations.json', 'train/images/000002.png', 'test/masks/000001.png'].map((f) => readFileSync(join(root, dir, f)));
    };
    const [a, b] = [await make('a'), await make('b')];
    a.forEach((bytes, i) => expect(bytes.equals(b[i])).toBe(true));
  });

  it('names what is wrong in a bad annotations file', async () => {
    const valid = scenesToCoco(
      generateSceneSplits({ train: syntheticSource(6), test: syntheticSource(6) }, { trainScenes: 1, testScenes: 1 }).train,
      ['a', 'b', 'c'],
    );
    expect(() => parseCocoJson('{\n  "images": [,]\n}')).toThrow(/not valid JSON at line 2/);
    expect(() => parseCocoJson(JSON.stringify({ ...valid, categories: [] }))).toThrow(/categories/);
    const orphan = { ...valid, annotations: [{ ...valid.annotations[0], image_id: 99 }] };
    expect(() => parseCocoJson(JSON.stringify(orphan))).toThrow(/annotation 1 names image 99/);
    const wrongArea = { ...valid, annotations: [{ ...valid.annotations[0], area: 1 }] };
    const path = join(root, 'bad.json');
    writeFileSync(path, JSON.stringify(wrongArea));
    await expect(readCocoFile(path)).rejects.toThrow(/bad.json.*annotation 1 has area 1 but its mask has \d+ pixels/);
  });
});

describe('loadSceneSources', () => {
  it('uses train/ and test/ subfolders when both exist, else two disjoint halves', async () => {
    const withSplits = join(root, 'with-splits');
    await writeLabelledFolder(withSplits, ['train', 'test']);
    const sources = await loadSceneSources(withSplits, { cacheDir: false });
    expect([sources.train.count, sources.test.count, sources.train.size]).toEqual([8, 8, 24]);
    expect(sources.train.classes).toEqual(['cat', 'dog']);

    const flat = join(root, 'flat');
    await writeLabelledFolder(flat, ['']);
    const halves = await loadSceneSources(flat, { cacheDir: false, size: 16 });
    expect([halves.train.count, halves.test.count, halves.test.size]).toEqual([4, 4, 16]);
    expect(halves.train.ids.filter((id) => halves.test.ids.includes(id))).toEqual([]);
    const scenes = generateSceneSplits(halves, { trainScenes: 2, testScenes: 2, canvasSize: 48 });
    expect(scenes.test[0].width).toBe(48);
  });
});
