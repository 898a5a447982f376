import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file that holds `nx.json`. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('ktlab: cannot find the repository root (no nx.json above libs/db)');
    dir = parent;
  }
  return dir;
}

/** Where ktlab keeps local state: the embedded database, caches, run folders. Git-ignored. */
export function ktlabHome(): string {
  return resolve(process.env.KTLAB_HOME ?? join(repoRoot(), '.ktlab'));
}

export function migrationsDir(): string {
  return join(repoRoot(), 'prisma', 'migrations');
}
