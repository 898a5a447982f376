import type { ImageDataset } from '../dataset/image-dataset.js';
import type { LoadOptions } from '../dataset/load-options.js';
import { cacheDir } from '@ktlab/config/paths';
import { readDecodeCache, writeDecodeCache, type CacheEntry } from './decode-cache.js';

/**
 * Returns the cached dataset when the source is unchanged (same fingerprint), else builds it and stores it.
 * A cache that cannot be read is rebuilt; one that cannot be written does not fail the load.
 */
export async function withDecodeCache(
  what: { name: string; key: string; fingerprint: string; description: string },
  options: LoadOptions,
  build: () => Promise<ImageDataset>,
): Promise<ImageDataset> {
  if (options.cacheDir === false) return build();
  const entry: CacheEntry = { cacheDir: options.cacheDir ?? cacheDir(), key: what.key, name: what.name };
  options.onProgress?.({ phase: 'read-cache', done: 0, total: 1 });
  const lookup = readDecodeCache(entry, what.fingerprint);
  if (lookup.status === 'hit') {
    options.onProgress?.({ phase: 'read-cache', done: 1, total: 1 });
    return lookup.dataset;
  }
  const dataset = await build();
  options.onProgress?.({ phase: 'write-cache', done: 0, total: 1 });
  try {
    writeDecodeCache(entry, what.fingerprint, dataset, what.description);
  } catch (error) {
    process.emitWarning(`could not write the decode cache for ${what.description}: ${(error as Error).message}`);
  }
  options.onProgress?.({ phase: 'write-cache', done: 1, total: 1 });
  return dataset;
}
