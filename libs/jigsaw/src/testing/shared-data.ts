/**
 * Locates the shared read-only data (`$KTLAB_SHARED`, else `<repo root>/../shared`) for tests. A missing
 * reference file skips its tests on a developer machine but must fail them under CI, so CI cannot go green
 * without having checked against the real fixtures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

export function sharedDataRoot(): string {
  return process.env.KTLAB_SHARED ?? join(repoRoot, '..', 'shared');
}

export interface SharedFile {
  readonly path: string;
  /** True when tests using the file should be skipped: missing, and not running under CI. */
  readonly skip: boolean;
}

export function sharedFile(...relative: string[]): SharedFile {
  const path = join(sharedDataRoot(), ...relative);
  return { path, skip: !existsSync(path) && !process.env.CI };
}
