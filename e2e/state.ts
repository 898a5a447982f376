/**
 * Where an e2e run keeps its state (database, admin credentials, artifacts): `KTLAB_E2E_STATE` (a path, relative
 * to the repository root or absolute), else `.ktlab/e2e`. Two e2e runs on one machine (two ports) use two
 * folders, so neither clears the other's database; the config, the seeds and the sign-in helper all read it here.
 */
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export function e2eHome(): string {
  return resolve(repoRoot, process.env.KTLAB_E2E_STATE ?? '.ktlab/e2e');
}

/** Playwright's output folder for this state folder: test-results/e2e for the default one. */
export function e2eOutputDir(): string {
  return resolve(repoRoot, 'test-results', basename(e2eHome()));
}
