import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The monorepo root (this file lives at libs/data/src/paths/). */
export function repoRoot(): string {
  return fileURLToPath(new URL('../../../../', import.meta.url));
}

/** Read-only shared data (datasets, reference files): `$KTLAB_SHARED`, else `<repo root>/../shared`. */
export function sharedDir(): string {
  return resolve(process.env.KTLAB_SHARED ?? join(repoRoot(), '..', 'shared'));
}

/** Where decoded datasets and downloads are cached: `$KTLAB_CACHE`, else `<repo root>/.ktlab/cache`. */
export function defaultCacheDir(): string {
  return resolve(process.env.KTLAB_CACHE ?? join(repoRoot(), '.ktlab', 'cache'));
}
