import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { isPathWithin } from '../paths/resolve-inside.js';
import { mapWithConcurrency } from '../decode/map-with-concurrency.js';
import { hasImageExtension } from './image-extensions.js';
import type { SkippedFile } from './skipped-file.js';

/** `auto`: class folders when the root has sub-folders, else unlabeled; `folders`: require them; `none`: ignore them. */
export type LabelSource = 'auto' | 'folders' | 'none';

export interface ScannedImage {
  /** Path relative to the dataset folder, `/`-separated; the image's id. */
  id: string;
  absolutePath: string;
  /** Index into `classes`; absent for unlabeled datasets. */
  label?: number;
  byteSize: number;
  mtimeMs: number;
}

export interface ImageFolderScan {
  root: string;
  /** Sorted by id (code-unit order, independent of locale). */
  images: ScannedImage[];
  /** Sorted first-level folder names when the dataset is labeled, else undefined. */
  classes?: string[];
  /** Files seen but not usable as images (wrong extension, outside the folder, unclassifiable). */
  skipped: SkippedFile[];
}

interface FoundFile {
  id: string;
  absolutePath: string;
  byteSize: number;
  mtimeMs: number;
}

const STAT_CONCURRENCY = 64;

const isHidden = (name: string) => name.startsWith('.');
const toId = (root: string, absolutePath: string) => relative(root, absolutePath).split(sep).join('/');

/**
 * Lists every file under `root` (recursively), skipping hidden files and folders. Symlinked files are followed
 * only when they resolve inside the (real) root; symlinked folders are not followed (cycles, escapes).
 */
async function listFiles(root: string, realRoot: string, skipped: SkippedFile[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ file: toId(root, dir) + '/', reason: `folder cannot be read: ${(error as Error).message}` });
      return;
    }
    const visible = entries.filter((entry) => !isHidden(entry.name));
    for (const entry of visible) if (entry.isDirectory()) await walk(join(dir, entry.name));
    // Stats run many at a time: one by one, 50k files cost seconds of event-loop round trips.
    const files = visible.filter((entry) => entry.isFile() || entry.isSymbolicLink());
    await mapWithConcurrency(files, STAT_CONCURRENCY, async (entry) => {
      const path = join(dir, entry.name);
      const info = await describeFile(path, entry, realRoot);
      if (typeof info === 'string') skipped.push({ file: toId(root, path), reason: info });
      else found.push({ id: toId(root, path), absolutePath: path, ...info });
    });
  };
  await walk(root);
  return found;
}

async function describeFile(
  path: string,
  entry: Dirent,
  realRoot: string,
): Promise<{ byteSize: number; mtimeMs: number } | string> {
  try {
    if (entry.isSymbolicLink()) {
      const target = await realpath(path);
      if (!isPathWithin(realRoot, target)) return 'symlink points outside the dataset folder';
    }
    const info = await stat(path);
    if (!info.isFile()) return 'symlink to a folder is not followed';
    return { byteSize: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    return `cannot be read: ${(error as Error).message}`;
  }
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Finds the images of a dataset folder. Labeled layout: `root/<class>/**` (classes are the sorted first-level
 * folder names; deeper folders belong to their first-level class). Flat layout: images directly in `root`,
 * unlabeled. Hidden files and folders are ignored silently; other non-image files are reported as skipped.
 */
export async function scanImageFolder(folder: string, labels: LabelSource = 'auto'): Promise<ImageFolderScan> {
  const root = resolve(folder);
  let rootInfo;
  try {
    rootInfo = await stat(root);
  } catch {
    throw new Error(`dataset folder "${root}" does not exist`);
  }
  if (!rootInfo.isDirectory()) throw new Error(`dataset path "${root}" is not a folder`);

  const skipped: SkippedFile[] = [];
  const files = (await listFiles(root, await realpath(root), skipped)).sort((a, b) => byCodeUnits(a.id, b.id));
  const classFolders = (await readdir(root, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !isHidden(entry.name))
    .map((entry) => entry.name)
    .sort(byCodeUnits);

  const labeled = labels === 'folders' || (labels === 'auto' && classFolders.length > 0);
  if (labels === 'folders' && classFolders.length === 0) {
    throw new Error(`dataset folder "${root}" has no class sub-folders (expected root/<class>/<image>)`);
  }
  const classIndex = new Map(classFolders.map((name, index) => [name, index]));

  const images: ScannedImage[] = [];
  for (const file of files) {
    if (!hasImageExtension(file.id)) {
      skipped.push({ file: file.id, reason: 'not an image file extension' });
      continue;
    }
    if (!labeled) {
      images.push(file);
      continue;
    }
    const slash = file.id.indexOf('/');
    if (slash < 0) {
      skipped.push({ file: file.id, reason: 'image outside any class folder in a labeled dataset' });
      continue;
    }
    images.push({ ...file, label: classIndex.get(file.id.slice(0, slash)) ?? -1 });
  }
  skipped.sort((a, b) => byCodeUnits(a.file, b.file));
  return { root, images, classes: labeled ? classFolders : undefined, skipped };
}
