/**
 * Where ktlab's files are, one rule for every process (portal, API, trainer, CLI, study, benches). Node only: import
 * `@ktlab/config/paths`, not the package root, which the portal's browser code loads.
 *   repoRoot()   the repository
 *   ktlabHome()  local state (embedded database, run folders, caches, study cells): `$KTLAB_HOME`, else `<repo>/.ktlab`
 *   cacheDir()   the decode cache runs share: `$KTLAB_CACHE`, else `<ktlabHome>/cache`
 *   sharedDir()  read-only shared data (datasets, reference files): `$KTLAB_SHARED`, else `<repo>/../shared`
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this file that holds `nx.json` (also from a build of the portal,
 * whose server code runs from under apps/portal/.next); without one, the folder three levels up from this file,
 * as in the device bundle, whose root stands in for the repository.
 */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return resolve(here, '..', '..', '..');
  }
}

/** Where ktlab keeps local state: the embedded database, run folders, caches, study cells. Git-ignored. */
export function ktlabHome(): string {
  return resolve(process.env.KTLAB_HOME ?? join(repoRoot(), '.ktlab'));
}

/** Where decoded datasets are cached (shared by runs and workers on one machine). */
export function cacheDir(): string {
  return resolve(process.env.KTLAB_CACHE ?? join(ktlabHome(), 'cache'));
}

/** Read-only shared data: datasets and reference files (the paper's permutation sets). */
export function sharedDir(): string {
  return resolve(process.env.KTLAB_SHARED ?? join(repoRoot(), '..', 'shared'));
}
