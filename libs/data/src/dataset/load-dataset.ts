import { resolve } from 'node:path';
import { resolveInside } from '../paths/resolve-inside.js';
import { parseDatasetSpec, type DatasetSpecInput } from './dataset-spec.js';
import type { ImageDataset } from './image-dataset.js';
import { loadBinaryDataset } from './load-binary-dataset.js';
import { loadFolderDataset } from './load-folder-dataset.js';
import type { LoadOptions } from './load-options.js';

/**
 * Loads a dataset described by a spec (validated with zod): an image folder (decoded once, then served from
 * the decode cache while its files are unchanged), the CIFAR-10 binary release, or an IDX (MNIST-family) pair.
 */
export async function loadDataset(specInput: DatasetSpecInput, options: LoadOptions = {}): Promise<ImageDataset> {
  const spec = parseDatasetSpec(specInput);
  const locate = (path: string) => (options.dataRoot ? resolveInside(options.dataRoot, path) : resolve(path));
  const path = locate(spec.path);
  switch (spec.kind) {
    case 'folder':
      return loadFolderDataset(spec, path, options);
    case 'cifar-binary':
      return loadBinaryDataset(spec, path, undefined, options);
    case 'idx':
      return loadBinaryDataset(spec, path, spec.labelsPath ? locate(spec.labelsPath) : undefined, options);
  }
}
