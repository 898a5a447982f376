import { describe, expect, it } from 'vitest';
import { imageAt, type ImageDataset } from '@ktlab/data';
import { generateScene } from './generate-scene.js';
import { generateSceneSplits } from './generate-scenes.js';
import { resizeBilinear } from './raster.js';
import type { Scene } from './scene.js';
import { parseSceneOptions } from './scene-options.js';
import { syntheticSource } from './testing/synthetic-source.js';

const source = syntheticSource(30);
const options = parseSceneOptions({ seed: 7 });
const scenes = Array.from({ length: 150 }, (_, i) => generateScene(source, options, 'train', i));

/** Tight extent and pixel count of instance `value` computed straight from the map. */
function maskExtent(scene: Scene, value: number) {
  let minX = Infinity, minY = Infinity, maxX = -1, maxY = -1, area = 0; // prettier-ignore
  scene.instanceMap.forEach((v, p) => {
    if (v !== value) return;
    const x = p % scene.width;
    const y = Math.floor(p / scene.width);
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    area++;
  });
  return { box: { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 }, area };
}

describe('generateScene', () => {
  it('makes 96×96 scenes with 2–4 objects whose boxes lie inside the canvas', () => {
    const counts = new Set<number>();
    for (const scene of scenes) {
      expect([scene.width, scene.height, scene.pixels.length]).toEqual([96, 96, 96 * 96 * 3]);
      counts.add(scene.objects.length);
      for (const { box, pastedBox } of scene.objects) {
        for (const b of [box, pastedBox]) {
          expect(b.x).toBeGreaterThanOrEqual(0);
          expect(b.y).toBeGreaterThanOrEqual(0);
          expect(b.w).toBeGreaterThan(0);
          expect(b.h).toBeGreaterThan(0);
          expect(b.x + b.w).toBeLessThanOrEqual(96);
          expect(b.y + b.h).toBeLessThanOrEqual(96);
        }
      }
    }
    expect([...counts].sort()).toEqual([2, 3, 4]);
  });

  it('masks match boxes: mask pixels lie in the box, the box is the mask extent, unoccluded boxes are the pasted ones', () => {
    let occludedObjects = 0;
    for (const scene of scenes) {
      scene.objects.forEach((object, i) => {
        const extent = maskExtent(scene, i + 1);
        expect(extent.box).toEqual(object.box);
        expect(extent.area).toBe(object.area);
        // Everything in the mask is inside the pasted rectangle, and the visible share is what `occluded` says.
        const { x, y, w, h } = object.pastedBox;
        expect(object.box.x >= x && object.box.y >= y && object.box.x + object.box.w <= x + w && object.box.y + object.box.h <= y + h).toBe(true);
        expect(object.area).toBe(Math.round(w * h * (1 - object.occluded)));
        expect(object.occluded).toBeLessThanOrEqual(options.maxOcclusion);
        if (object.occluded === 0) expect(object.box).toEqual(object.pastedBox);
        else occludedObjects++;
      });
      const expectedClasses = scene.instanceMap.map((instance) => (instance ? scene.objects[instance - 1].classId + 1 : 0));
      expect(Buffer.from(scene.classMap).equals(Buffer.from(expectedClasses))).toBe(true);
    }
    // The rule is exercised: some objects are partly hidden by later ones.
    expect(occludedObjects).toBeGreaterThan(10);
  });

  it('pastes the scaled source image: an object’s visible pixels are its source resized to the pasted box', () => {
    const scene = scenes[0];
    scene.objects.forEach((object, i) => {
      const index = source.ids.indexOf(object.sourceId);
      expect(source.labels![index]).toBe(object.classId);
      const { x, y, w, h } = object.pastedBox;
      const patch = resizeBilinear({ width: 32, height: 32, channels: 3, data: imageAt(source as ImageDataset, index) }, w, h);
      for (let py = 0; py < h; py++) {
        for (let px = 0; px < w; px++) {
          const at = (y + py) * 96 + x + px;
          if (scene.instanceMap[at] !== i + 1) continue;
          expect(Array.from(scene.pixels.subarray(at * 3, at * 3 + 3))).toEqual(Array.from(patch.data.subarray((py * w + px) * 3, (py * w + px) * 3 + 3)));
        }
      }
    });
  });

  it('is deterministic: the same seed gives byte-identical scenes, another seed different ones', () => {
    const again = Array.from({ length: 20 }, (_, i) => generateScene(source, options, 'train', i));
    again.forEach((scene, i) => {
      expect(Buffer.from(scene.pixels).equals(Buffer.from(scenes[i].pixels))).toBe(true);
      expect(Buffer.from(scene.instanceMap).equals(Buffer.from(scenes[i].instanceMap))).toBe(true);
      expect(JSON.stringify(scene.objects)).toBe(JSON.stringify(scenes[i].objects));
    });
    const other = generateScene(source, parseSceneOptions({ seed: 8 }), 'train', 0);
    expect(Buffer.from(other.pixels).equals(Buffer.from(scenes[0].pixels))).toBe(false);
    const testSplit = generateScene(source, options, 'test', 0);
    expect(Buffer.from(testSplit.pixels).equals(Buffer.from(scenes[0].pixels))).toBe(false);
  });

  it('honours a configurable canvas and object count', () => {
    const scene = generateScene(source, parseSceneOptions({ canvasSize: 128, minObjects: 1, maxObjects: 1, seed: 3 }), 'test', 5);
    expect([scene.width, scene.objects.length, scene.instanceMap.length]).toEqual([128, 1, 128 * 128]);
  });

  it('with a threshold mask pastes only the item, not its black surround', () => {
    const items = syntheticSource(12, { style: 'bright-square' });
    const thresholdOptions = parseSceneOptions({ seed: 1, mask: { kind: 'threshold' }, aspectJitter: 0 });
    for (let i = 0; i < 20; i++) {
      const scene = generateScene(items, thresholdOptions, 'train', i);
      scene.objects.forEach((object, k) => {
        expect(maskExtent(scene, k + 1).box).toEqual(object.box);
        const darkMaskPixels = scene.instanceMap.filter((v, p) => v === k + 1 && scene.pixels[p * 3] <= 16).length;
        expect(darkMaskPixels).toBe(0);
        // The bright square is the middle half of the pasted box, so the mask is much smaller than the paste.
        if (object.occluded === 0) expect(object.box.w).toBeLessThan(object.pastedBox.w * 0.75);
      });
    }
  });

  it('explains impossible options', () => {
    expect(() => parseSceneOptions({ minObjects: 5, maxObjects: 3 })).toThrow(/minObjects must not exceed maxObjects[\s\S]*minObjects/);
    expect(() => parseSceneOptions({ canvasSize: 8 })).toThrow(/canvasSize/);
    const crowded = parseSceneOptions({ minObjects: 16, maxObjects: 16, objectScale: { min: 0.9, max: 0.9 }, maxOcclusion: 0 });
    expect(() => generateScene(source, crowded, 'train', 0)).toThrow(/no room for object 2 of 16/);
    expect(() => generateScene({ ...source, labels: undefined }, options, 'train', 0)).toThrow(/must be labelled/);
  });
});

describe('generateSceneSplits', () => {
  it('draws train scenes from the train source and test scenes from the test source only', () => {
    const splits = generateSceneSplits(
      { train: syntheticSource(20, { idPrefix: 'train' }), test: syntheticSource(20, { idPrefix: 'test' }) },
      { trainScenes: 12, testScenes: 6, seed: 2 },
    );
    expect([splits.train.length, splits.test.length]).toEqual([12, 6]);
    expect(splits.classes).toEqual(['class0', 'class1', 'class2']);
    const idsOf = (list: Scene[]) => list.flatMap((s) => [s.backgroundId, ...s.objects.map((o) => o.sourceId)]);
    expect(idsOf(splits.train).every((id) => id.startsWith('train/'))).toBe(true);
    expect(idsOf(splits.test).every((id) => id.startsWith('test/'))).toBe(true);
  });

  it('refuses sources with different classes', () => {
    expect(() => generateSceneSplits({ train: syntheticSource(6), test: syntheticSource(6, { classes: 2 }) }, { trainScenes: 1, testScenes: 1 })).toThrow(
      /different classes/,
    );
  });
});
