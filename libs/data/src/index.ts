export { loadDataset } from './dataset/load-dataset.js';
export { datasetSpecSchema, parseDatasetSpec, type DatasetSpec, type DatasetSpecInput } from './dataset/dataset-spec.js';
export type { LoadOptions, LoadPhase, LoadProgress } from './dataset/load-options.js';
export { assertConsistentDataset, bytesPerImage, imageAt, subsetDataset, type ImageDataset } from './dataset/image-dataset.js';

export { scanImageFolder, type ImageFolderScan, type LabelSource, type ScannedImage } from './folder/scan-image-folder.js';
export { hasImageExtension } from './folder/image-extensions.js';
export type { SkippedFile } from './folder/skipped-file.js';

export { decodeImage, type ImageInput, type RawPixels } from './decode/decode-image.js';
export { decodeAll, DEFAULT_DECODE_CONCURRENCY, type DecodeJob, type DecodedImages } from './decode/decode-all.js';
export { RESIZE_METHODS, type ResizeMethod, type WorkingFormat } from './decode/working-format.js';
export { mapWithConcurrency } from './decode/map-with-concurrency.js';

export { CACHE_FORMAT_VERSION, cacheIndexPath, readDecodeCache, writeDecodeCache, type CacheEntry, type CacheLookup } from './cache/decode-cache.js';
export { writeFileAtomic } from './cache/atomic-write.js';

export { CIFAR10_CLASSES, decodeCifarRecords, readCifarBinary, type CifarSplit } from './formats/cifar-binary.js';
export { parseIdx, readIdx, type IdxDtype, type IdxTensor } from './formats/idx.js';
export { readIdxImages, type IdxImages } from './formats/idx-images.js';

export { halves, shuffleIndices, splitIndices } from './splits/split-indices.js';

export { isPathWithin, PathEscapeError, resolveInside } from './paths/resolve-inside.js';
