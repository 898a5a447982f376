import { imageAt, type ImageDataset } from '@ktlab/data';
import { mixSeed, Sfc32, type RandomSource } from '@ktlab/random';
import { resizeBilinear, type Raster } from './raster.js';
import type { PixelBox, Scene, SceneObject, SplitName } from './scene.js';
import type { SceneOptions } from './scene-options.js';

/** A labelled dataset the scenes draw objects and backgrounds from. */
export type SceneSource = Pick<ImageDataset, 'count' | 'size' | 'channels' | 'images' | 'labels' | 'classes' | 'ids'>;

const SPLIT_SEED_WORD: Record<SplitName, number> = { train: 1, test: 2 };
const PLACEMENT_ATTEMPTS = 100;

/** Throws unless the source has labels, class names and at least two images (one object, one background). */
export function assertSceneSource(source: SceneSource): asserts source is SceneSource & { labels: Int32Array; classes: string[] } {
  if (!source.labels || !source.classes) throw new Error('scene source must be labelled (class folders): it has no labels');
  if (source.count < 2) throw new Error(`scene source needs at least 2 images (objects and backgrounds), it has ${source.count}`);
  if (source.classes.length > 254) throw new Error(`scene class maps are 8-bit: at most 254 classes, the source has ${source.classes.length}`);
}

/**
 * Scene `index` of a split, from nothing but the source, the options and (options.seed, split, index): each scene
 * has its own random stream, so scenes can be made in any order or in parallel and come out the same.
 *
 * A background square cut from one image is scaled to the canvas; then 2–4 (minObjects…maxObjects) other images
 * are scaled (objectScale, aspectJitter) and pasted at uniform positions inside the canvas, later ones on top. A
 * placement that would hide more than maxOcclusion of an earlier object's pixels is drawn again. Each object's
 * mask is its visible pixels and its box the tight extent of that mask.
 */
export function generateScene(source: SceneSource, options: SceneOptions, split: SplitName, index: number): Scene {
  assertSceneSource(source);
  const random = new Sfc32(mixSeed(options.seed, SPLIT_SEED_WORD[split], index));
  const side = options.canvasSize;
  const channels = source.channels;
  const imageRaster = (i: number): Raster => ({ width: source.size, height: source.size, channels, data: imageAt(source as ImageDataset, i) });

  const backgroundIndex = random.nextInt(source.count);
  const cropFraction = uniform(random, options.backgroundCrop.min, options.backgroundCrop.max);
  const crop = Math.max(1, Math.round(cropFraction * source.size));
  const background = resizeBilinear(imageRaster(backgroundIndex), side, side, {
    x: random.nextInt(source.size - crop + 1),
    y: random.nextInt(source.size - crop + 1),
    w: crop,
    h: crop,
  });
  const pixels = background.data;
  const instanceMap = new Uint8Array(side * side);

  const objectCount = options.minObjects + random.nextInt(options.maxObjects - options.minObjects + 1);
  const placed: { sourceIndex: number; pastedBox: PixelBox; pastedPixels: number; visible: number }[] = [];
  for (let i = 0; i < objectCount; i++) {
    const placement = placeObject(random, source, options, imageRaster, backgroundIndex, instanceMap, placed);
    if (!placement) {
      if (i >= options.minObjects) break;
      throw new Error(
        `scene ${split}/${index}: no room for object ${i + 1} of ${objectCount} after ${PLACEMENT_ATTEMPTS} attempts ` +
          `(canvasSize ${side}, objectScale ${options.objectScale.min}–${options.objectScale.max}, maxOcclusion ${options.maxOcclusion}); ` +
          'use smaller objects, fewer objects or a larger maxOcclusion',
      );
    }
    const { patch, foreground, box } = placement;
    for (let y = 0; y < box.h; y++) {
      for (let x = 0; x < box.w; x++) {
        if (!foreground[y * box.w + x]) continue;
        const at = (box.y + y) * side + box.x + x;
        const previous = instanceMap[at];
        if (previous) placed[previous - 1].visible--;
        instanceMap[at] = i + 1;
        pixels.set(patch.data.subarray((y * box.w + x) * channels, (y * box.w + x + 1) * channels), at * channels);
      }
    }
    placed.push({ sourceIndex: placement.sourceIndex, pastedBox: box, pastedPixels: placement.foregroundCount, visible: placement.foregroundCount });
  }

  const classMap = new Uint8Array(side * side);
  const extents = placed.map(() => ({ minX: side, minY: side, maxX: -1, maxY: -1, area: 0 }));
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const instance = instanceMap[y * side + x];
      if (!instance) continue;
      classMap[y * side + x] = source.labels[placed[instance - 1].sourceIndex] + 1;
      const e = extents[instance - 1];
      e.minX = Math.min(e.minX, x);
      e.maxX = Math.max(e.maxX, x);
      e.minY = Math.min(e.minY, y);
      e.maxY = Math.max(e.maxY, y);
      e.area++;
    }
  }
  const objects: SceneObject[] = placed.map((p, i) => {
    const e = extents[i];
    return {
      classId: source.labels[p.sourceIndex],
      box: { x: e.minX, y: e.minY, w: e.maxX - e.minX + 1, h: e.maxY - e.minY + 1 },
      pastedBox: p.pastedBox,
      area: e.area,
      occluded: 1 - p.visible / p.pastedPixels,
      sourceId: source.ids[p.sourceIndex],
    };
  });
  return { split, index, width: side, height: side, channels, pixels, objects, instanceMap, classMap, backgroundId: source.ids[backgroundIndex] };
}

interface Placement {
  sourceIndex: number;
  patch: Raster;
  /** 1 where the patch's pixel belongs to the object. */
  foreground: Uint8Array;
  foregroundCount: number;
  box: PixelBox;
}

function placeObject(
  random: RandomSource,
  source: SceneSource,
  options: SceneOptions,
  imageRaster: (i: number) => Raster,
  backgroundIndex: number,
  instanceMap: Uint8Array,
  placed: readonly { pastedPixels: number; visible: number }[],
): Placement | undefined {
  const side = options.canvasSize;
  for (let attempt = 0; attempt < PLACEMENT_ATTEMPTS; attempt++) {
    const sourceIndex = random.nextInt(source.count);
    const longSide = Math.max(2, Math.round(uniform(random, options.objectScale.min, options.objectScale.max) * side));
    const jitter = Math.log(1 + options.aspectJitter);
    const aspect = Math.exp(uniform(random, -jitter, jitter));
    const w = aspect >= 1 ? longSide : Math.max(2, Math.round(longSide * aspect));
    const h = aspect >= 1 ? Math.max(2, Math.round(longSide / aspect)) : longSide;
    const box = { x: random.nextInt(side - w + 1), y: random.nextInt(side - h + 1), w, h };
    if (sourceIndex === backgroundIndex) continue;

    const patch = resizeBilinear(imageRaster(sourceIndex), w, h);
    const foreground = new Uint8Array(w * h);
    let foregroundCount = 0;
    for (let p = 0; p < w * h; p++) {
      let inside = true;
      if (options.mask.kind === 'threshold') {
        inside = false;
        for (let c = 0; c < patch.channels; c++) if (patch.data[p * patch.channels + c] > options.mask.level) inside = true;
      }
      foreground[p] = inside ? 1 : 0;
      foregroundCount += foreground[p];
    }
    if (foregroundCount === 0) continue;

    const covered = new Array<number>(placed.length).fill(0);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const instance = foreground[y * w + x] ? instanceMap[(box.y + y) * side + box.x + x] : 0;
        if (instance) covered[instance - 1]++;
      }
    }
    const hidesTooMuch = placed.some((p, j) => p.pastedPixels - (p.visible - covered[j]) > options.maxOcclusion * p.pastedPixels);
    if (!hidesTooMuch) return { sourceIndex, patch, foreground, foregroundCount, box };
  }
  return undefined;
}

function uniform(random: RandomSource, min: number, max: number): number {
  return min + (max - min) * random.nextFloat();
}
