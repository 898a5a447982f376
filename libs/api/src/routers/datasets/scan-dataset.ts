/**
 * What the portal checks when a dataset is registered: the path exists (on the portal's machine, which in a
 * single-machine install is the workers' too), lies inside an allowed root when roots are configured, and how
 * many images it holds. The same layouts as libs/data reads: an image folder (`root/<class>/*` is labelled,
 * flat is not), a CIFAR binary folder (`*.bin` of 3073-byte records), an IDX image file.
 */
import type { Dirent } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { IMAGE_EXTENSIONS } from '@ktlab/config';
import { DatasetOutsideRootsError, datasetRootsFromEnv, resolveDatasetInRoots } from '@ktlab/config/dataset-roots';
import { repoRoot } from '@ktlab/config/paths';

export type DatasetFormat = 'folder' | 'cifar-binary' | 'idx';

export interface ScannedDataset {
  /** Absolute path, as the workers will open it. */
  location: string;
  imageCount: number;
  labeled: boolean;
  classes: number;
}

const CIFAR_RECORD_BYTES = 1 + 32 * 32 * 3;

export class DatasetPathError extends Error {}

/** `KTLAB_DATASET_ROOTS` (a path list, like PATH): when set, datasets must lie inside one of these folders. */
export function allowedDatasetRoots(env = process.env): string[] {
  return datasetRootsFromEnv(repoRoot(), env);
}

/**
 * The absolute path, checked to exist and (after following symlinks) to stay inside the allowed roots. A path
 * outside the roots is refused with the same message whether it exists or not.
 */
export async function resolveDatasetPath(path: string, roots = allowedDatasetRoots()): Promise<string> {
  try {
    await resolveDatasetInRoots('path', path, roots, repoRoot());
  } catch (error) {
    if (error instanceof DatasetOutsideRootsError) throw new DatasetPathError(error.reason);
    throw error;
  }
  return resolve(repoRoot(), path);
}

async function countImages(dir: string): Promise<number> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let count = 0;
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) count += await countImages(join(dir, entry.name));
    else if ((entry.isFile() || entry.isSymbolicLink()) && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())) count++;
  }
  return count;
}

async function scanFolder(location: string): Promise<Omit<ScannedDataset, 'location'>> {
  if (!(await stat(location)).isDirectory()) throw new DatasetPathError(`"${location}" is not a folder (an image folder dataset needs one)`);
  const entries = (await readdir(location, { withFileTypes: true })).filter((entry) => !entry.name.startsWith('.'));
  const classFolders = entries.filter((entry) => entry.isDirectory());
  let imageCount = 0;
  let classes = 0;
  if (classFolders.length > 0) {
    // Labelled layout: images outside the class folders are not part of the dataset (libs/data skips them).
    for (const folder of classFolders) {
      const inClass = await countImages(join(location, folder.name));
      imageCount += inClass;
      if (inClass > 0) classes++;
    }
  } else {
    imageCount = entries.filter((entry) => !entry.isDirectory() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase())).length;
  }
  return { imageCount, labeled: classes > 0, classes };
}

async function scanCifarBinary(location: string): Promise<Omit<ScannedDataset, 'location'>> {
  if (!(await stat(location)).isDirectory()) throw new DatasetPathError(`"${location}" is not a folder of CIFAR *.bin batches`);
  const batches = (await readdir(location)).filter((name) => name.endsWith('.bin') && name !== 'batches.meta.bin');
  let bytes = 0;
  for (const name of batches) bytes += (await stat(join(location, name))).size;
  if (batches.length === 0 || bytes % CIFAR_RECORD_BYTES !== 0) {
    throw new DatasetPathError(`"${location}" holds no CIFAR-10 binary batches (*.bin of ${CIFAR_RECORD_BYTES}-byte records)`);
  }
  return { imageCount: bytes / CIFAR_RECORD_BYTES, labeled: true, classes: 10 };
}

async function scanIdx(location: string): Promise<Omit<ScannedDataset, 'location'>> {
  const file = await open(location, 'r');
  try {
    const header = Buffer.alloc(8);
    const { bytesRead } = await file.read(header, 0, 8, 0);
    if (bytesRead < 8 || header[0] !== 0 || header[1] !== 0 || header[3] < 3) throw new DatasetPathError(`"${location}" is not an IDX image file (magic number)`);
    return { imageCount: header.readUInt32BE(4), labeled: false, classes: 0 };
  } finally {
    await file.close();
  }
}

export async function scanDataset(path: string, format: DatasetFormat, roots?: string[]): Promise<ScannedDataset> {
  const location = await resolveDatasetPath(path, roots);
  const scanned = format === 'folder' ? await scanFolder(location) : format === 'cifar-binary' ? await scanCifarBinary(location) : await scanIdx(location);
  if (scanned.imageCount === 0) throw new DatasetPathError(`"${path}" contains no images`);
  return { location, ...scanned };
}
