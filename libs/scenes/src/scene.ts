/** An axis-aligned box in pixels, COCO convention: top-left (x, y), extent w×h; covers columns x…x+w−1. */
export interface PixelBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SceneObject {
  /** Index into the source's classes. */
  classId: number;
  /** Tight extent of the object's visible pixels (its instance mask): what COCO and VOC annotate. */
  box: PixelBox;
  /** Where the object's image was pasted (the amodal box; equals `box` for an unoccluded rectangle paste). */
  pastedBox: PixelBox;
  /** Visible pixels (the instance mask's size; COCO's `area`). */
  area: number;
  /** Fraction of the object's pasted pixels covered by objects pasted after it (≤ maxOcclusion). */
  occluded: number;
  /** The source image's id (its path within the dataset folder). */
  sourceId: string;
}

export type SplitName = 'train' | 'test';

export interface Scene {
  split: SplitName;
  /** Index within its split. */
  index: number;
  width: number;
  height: number;
  channels: 1 | 3;
  /** width·height·channels bytes, rows top to bottom, channels interleaved. */
  pixels: Uint8Array;
  /** Objects in paste order (later ones lie on top). */
  objects: SceneObject[];
  /** Per pixel: 0 = background, i + 1 = objects[i]. */
  instanceMap: Uint8Array;
  /** Per pixel: 0 = background, c + 1 = class c (the label map segmentation is scored on). */
  classMap: Uint8Array;
  /** Id of the image the background was cut from. */
  backgroundId: string;
}
