import { join } from 'node:path';
import { repoRoot } from '@ktlab/config/paths';

/** The committed SQL migrations (prisma/migrations). Where ktlab keeps its state: @ktlab/config/paths. */
export function migrationsDir(): string {
  return join(repoRoot(), 'prisma', 'migrations');
}
