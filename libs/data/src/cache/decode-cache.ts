import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ImageDataset } from '../dataset/image-dataset.js';
import { writeFileAtomic } from './atomic-write.js';

/** Bump when the pixel layout or index meaning changes; older caches are then rebuilt, not misread. */
export const CACHE_FORMAT_VERSION = 1;

const cacheIndexSchema = z.object({
  formatVersion: z.literal(CACHE_FORMAT_VERSION),
  key: z.string(),
  fingerprint: z.string(),
  dataFile: z.string().regex(/^[^/\\]+$/),
  byteLength: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  size: z.number().int().positive(),
  channels: z.union([z.literal(1), z.literal(3)]),
  ids: z.array(z.string()),
  labels: z.array(z.number().int()).optional(),
  classes: z.array(z.string()).optional(),
  skipped: z.array(z.object({ file: z.string(), reason: z.string() })),
  description: z.string(),
  createdAt: z.string(),
});

export type CacheIndex = z.infer<typeof cacheIndexSchema>;

/** Where one dataset's cache lives: `<cacheDir>/<name>-<key>.json` (index) next to its `.u8` pixel file. */
export interface CacheEntry {
  cacheDir: string;
  /** Identifies the dataset and working format (see `cacheKey`). */
  key: string;
  /** Human-readable prefix for the file names, e.g. the dataset folder's name. */
  name: string;
}

const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'dataset';
const indexPath = (entry: CacheEntry) => join(entry.cacheDir, `${safeName(entry.name)}-${entry.key}.json`);

/** Reads a whole file into one Uint8Array in chunks (fs.readFile stops at 2 GiB). */
function readWholeFile(path: string, byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  const fd = openSync(path, 'r');
  try {
    let offset = 0;
    while (offset < byteLength) {
      const read = readSync(fd, out, offset, Math.min(1 << 30, byteLength - offset), offset);
      if (read === 0) throw new Error(`cache file "${path}" ended at byte ${offset} of ${byteLength}`);
      offset += read;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

export type CacheLookup =
  | { status: 'hit'; dataset: ImageDataset }
  | { status: 'miss'; why: 'absent' | 'stale' | 'unreadable'; detail?: string };

/** Returns the cached dataset when its index is valid and its fingerprint matches the source's. */
export function readDecodeCache(entry: CacheEntry, fingerprint: string): CacheLookup {
  const path = indexPath(entry);
  if (!existsSync(path)) return { status: 'miss', why: 'absent' };
  let index: CacheIndex;
  try {
    index = cacheIndexSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    return { status: 'miss', why: 'unreadable', detail: `index "${path}": ${(error as Error).message}` };
  }
  if (index.key !== entry.key || index.fingerprint !== fingerprint) return { status: 'miss', why: 'stale' };
  const dataPath = join(entry.cacheDir, index.dataFile);
  const expected = index.count * index.size * index.size * index.channels;
  if (index.byteLength !== expected || !existsSync(dataPath) || statSync(dataPath).size !== expected) {
    return { status: 'miss', why: 'unreadable', detail: `pixel file "${dataPath}" is missing or has the wrong size` };
  }
  let images: Uint8Array;
  try {
    images = readWholeFile(dataPath, expected);
  } catch (error) {
    // E.g. a concurrent rebuild replaced the pixel file between our index read and this open.
    return { status: 'miss', why: 'unreadable', detail: (error as Error).message };
  }
  return {
    status: 'hit',
    dataset: {
      count: index.count,
      size: index.size,
      channels: index.channels,
      images,
      labels: index.labels ? Int32Array.from(index.labels) : undefined,
      classes: index.classes,
      ids: index.ids,
      skipped: index.skipped,
      loadedFrom: 'cache',
    },
  };
}

/**
 * Stores a decoded dataset. The pixel file gets a fresh name per build and the index (written last, atomically)
 * names it, so a crash mid-write or a concurrent reader never pairs an index with the wrong pixels.
 * Pixel files no longer named by the index are removed afterwards.
 */
export function writeDecodeCache(entry: CacheEntry, fingerprint: string, dataset: ImageDataset, description: string): string {
  mkdirSync(entry.cacheDir, { recursive: true });
  const stem = `${safeName(entry.name)}-${entry.key}`;
  const dataFile = `${stem}.${randomBytes(4).toString('hex')}.u8`;
  writeFileAtomic(join(entry.cacheDir, dataFile), [dataset.images]);
  const index: CacheIndex = {
    formatVersion: CACHE_FORMAT_VERSION,
    key: entry.key,
    fingerprint,
    dataFile,
    byteLength: dataset.images.length,
    count: dataset.count,
    size: dataset.size,
    channels: dataset.channels,
    ids: dataset.ids,
    labels: dataset.labels ? Array.from(dataset.labels) : undefined,
    classes: dataset.classes,
    skipped: dataset.skipped,
    description,
    createdAt: new Date().toISOString(),
  };
  const path = indexPath(entry);
  writeFileAtomic(path, [Buffer.from(JSON.stringify(index))]);
  for (const file of readdirSync(entry.cacheDir)) {
    if (file.startsWith(`${stem}.`) && file.endsWith('.u8') && file !== dataFile) {
      rmSync(join(entry.cacheDir, file), { force: true });
    }
  }
  return path;
}

/** The index file of a cache entry (its pixel file is named inside it). */
export const cacheIndexPath = (entry: CacheEntry) => indexPath(entry);
