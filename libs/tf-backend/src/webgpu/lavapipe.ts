/**
 * Where `tools/gpu/install-lavapipe.sh` puts Mesa's lavapipe (a Vulkan driver on the CPU), and the environment
 * a process needs to use it. The dynamic loader reads LD_LIBRARY_PATH only when a process starts, so this is
 * applied to child processes (vitest's test forks), never to the running one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const LAVAPIPE_DIR_VARIABLE = 'KTLAB_LAVAPIPE_DIR';
export const LAVAPIPE_INSTALL_HINT = 'install Mesa lavapipe with `tools/gpu/install-lavapipe.sh` (Debian; unpacks into .gpu/lavapipe, leaves the system packages alone)';

export function lavapipeDirectory(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  return env[LAVAPIPE_DIR_VARIABLE] || join(repoRoot, '.gpu', 'lavapipe');
}

/**
 * VK_ICD_FILENAMES / VK_DRIVER_FILES (the lavapipe ICD only) and LD_LIBRARY_PATH (its libraries first) for a
 * child process, or undefined when lavapipe is not installed in `directory` or the caller already chose a
 * Vulkan driver (VK_ICD_FILENAMES or VK_DRIVER_FILES set).
 */
export function lavapipeEnvironment(directory: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return undefined;
  const icd = join(directory, 'lvp_icd.json');
  if (!existsSync(join(directory, 'complete')) || !existsSync(icd)) return undefined;
  const library = (JSON.parse(readFileSync(icd, 'utf8')) as { ICD: { library_path: string } }).ICD.library_path;
  return {
    VK_ICD_FILENAMES: icd,
    VK_DRIVER_FILES: icd,
    LD_LIBRARY_PATH: [dirname(library), env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
  };
}
