/**
 * `KTLAB_DATASET_ROOTS`: the folders that every dataset a run reads must lie inside. The portal checks a run's
 * dataset fields against them when the run is created, and the trainer checks again when it opens the folder,
 * then reads through the real path it checked. Node-only (imported as `@ktlab/config/dataset-roots`, never by
 * browser code).
 *
 * Paths and roots are compared the same way on both sides: each is made absolute against one base folder and
 * its symlinks are followed, so a root that is itself a symlink (`../shared`) accepts its own contents whether
 * they are named through the link or through its target.
 *
 * Refusals never say whether a path outside the roots exists: outside the roots the answer is the same for an
 * existing and a missing path.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export class DatasetOutsideRootsError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'DatasetOutsideRootsError';
  }
}

/** `KTLAB_DATASET_ROOTS` split like PATH and made absolute against `base`; empty means any path is allowed. */
export function parseDatasetRoots(value: string | undefined, base: string): string[] {
  return (value ?? '')
    .split(delimiter)
    .map((root) => root.trim())
    .filter(Boolean)
    .map((root) => resolve(base, root));
}

export function datasetRootsFromEnv(base: string, env: NodeJS.ProcessEnv = process.env): string[] {
  return parseDatasetRoots(env.KTLAB_DATASET_ROOTS, base);
}

/** One line for start-up logs. */
export function describeDatasetRoots(roots: readonly string[]): string {
  return roots.length === 0
    ? 'dataset roots: any path (set KTLAB_DATASET_ROOTS to restrict what runs may read)'
    : `dataset roots: ${roots.join(', ')}`;
}

export function isPathInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

async function realOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

async function realRoots(roots: readonly string[]): Promise<string[]> {
  return Promise.all(roots.map(async (root) => (await realOrUndefined(root)) ?? root));
}

function outside(field: string, path: string, roots: readonly string[]): DatasetOutsideRootsError {
  return new DatasetOutsideRootsError(field, `"${path}" is outside the allowed dataset folders (${roots.join(', ')})`);
}

/**
 * The real (symlink-free) absolute path of a dataset, refused unless it lies inside one of `roots` (any path
 * when `roots` is empty). `field` names the config field in the error.
 */
export async function resolveDatasetInRoots(field: string, path: string, roots: readonly string[], base: string): Promise<string> {
  if (path.includes('\0')) throw new DatasetOutsideRootsError(field, 'the path contains a NUL byte');
  const absolute = resolve(base, path);
  const real = await realOrUndefined(absolute);
  if (roots.length === 0) {
    if (real === undefined) throw new DatasetOutsideRootsError(field, `"${path}" does not exist or cannot be read`);
    return real;
  }
  const reals = await realRoots(roots);
  if (real !== undefined && reals.some((root) => isPathInside(root, real))) return real;
  // Only a path named inside a root learns why it was refused; any other gets the same answer either way.
  const namedInside = roots.some((root, i) => isPathInside(root, absolute) || isPathInside(reals[i], absolute));
  if (!namedInside) throw outside(field, path, roots);
  if (real === undefined) throw new DatasetOutsideRootsError(field, `"${path}" does not exist or cannot be read`);
  throw new DatasetOutsideRootsError(field, `"${path}" leads outside the allowed dataset folders through a symlink`);
}

/**
 * Checks that the files a binary dataset reads beside or inside `real` (CIFAR batches, IDX label files) do not
 * lead outside the roots through symlinks. Image folders need no such pass: their scan follows no symlinked
 * folder and only symlinked files that stay inside the dataset folder.
 */
export async function assertBinaryDatasetInRoots(field: string, real: string, format: 'cifar-binary' | 'idx', roots: readonly string[]): Promise<void> {
  if (roots.length === 0) return;
  const reals = await realRoots(roots);
  const folders = format === 'idx' ? [dirname(real)] : [real, join(real, 'cifar-10-batches-bin')];
  for (const folder of folders) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    const read = format === 'idx' ? names.filter((name) => name.includes('idx1') || name === basename(real)) : names;
    for (const name of read) {
      const entry = join(folder, name);
      const info = await lstat(entry).catch(() => undefined);
      if (!info?.isSymbolicLink()) continue;
      const target = await realOrUndefined(entry);
      if (target !== undefined && !reals.some((root) => isPathInside(root, target))) {
        throw new DatasetOutsideRootsError(field, `a file of this dataset leads outside the allowed dataset folders through a symlink`);
      }
    }
  }
}

/**
 * After a read through `real`: the path must still be symlink-free and inside the roots. A folder on the way
 * swapped for a symlink while the worker read it fails here, so data read through it is never used.
 */
export async function assertStillInRoots(field: string, real: string, roots: readonly string[]): Promise<void> {
  const now = await realOrUndefined(real);
  const reals = await realRoots(roots);
  if (now !== real || (roots.length > 0 && !reals.some((root) => isPathInside(root, now)))) {
    throw new DatasetOutsideRootsError(field, 'the dataset folder changed while it was read (a folder on its path was replaced); refused');
  }
}
