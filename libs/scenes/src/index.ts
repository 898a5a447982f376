export { sceneOptionsSchema, objectMaskSchema, parseSceneOptions, type SceneOptions, type SceneOptionsInput } from './scene-options.js';
export type { PixelBox, Scene, SceneObject, SplitName } from './scene.js';
export { assertSceneSource, generateScene, type SceneSource } from './generate-scene.js';
export { generateSceneSplits, type SceneSplits } from './generate-scenes.js';
export { resizeBilinear, type Raster } from './raster.js';
export { decodeRle, encodeRle, type CocoRle } from './rle.js';
export {
  cocoAnnotationSchema,
  cocoCategorySchema,
  cocoDatasetSchema,
  cocoImageSchema,
  cocoRleSchema,
  parseCocoJson,
  sceneFileName,
  scenesToCoco,
  type CocoAnnotation,
  type CocoDataset,
} from './coco.js';
export { ANNOTATIONS_FILE, readCocoFile, writeSceneFolder, type WrittenSplit } from './write-scene-folder.js';
export { loadSceneSources, type SceneSourceOptions } from './load-scene-sources.js';
export { drawBoxes, overlayLabels, vocColour, type Rgb } from './draw.js';
