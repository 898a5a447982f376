import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** Thrown when a configured path would leave the folder it must stay inside. */
export class PathEscapeError extends Error {
  constructor(
    readonly root: string,
    readonly requested: string,
    why: string,
  ) {
    super(`path "${requested}" escapes its root "${root}": ${why}`);
    this.name = 'PathEscapeError';
  }
}

/** Whether `candidate` is `root` or lies below it (purely lexical; both absolute). */
export function isPathWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && rel.split(sep)[0] !== '..');
}

/**
 * The real path of `path`, or — when it does not exist yet (an artifact about to be written) — the real path
 * of its nearest existing ancestor with the missing tail appended.
 */
function realpathOfExistingPrefix(path: string): string {
  let existing = path;
  const missingTail: string[] = [];
  for (;;) {
    try {
      const real = realpathSync(existing);
      return missingTail.length === 0 ? real : resolve(real, ...missingTail.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = dirname(existing);
      if (parent === existing) return path;
      missingTail.push(existing.slice(parent.length).replace(/^[\\/]+/, ''));
      existing = parent;
    }
  }
}

/**
 * Resolves `path` (relative to `root`, or absolute) and guarantees the result stays inside `root`, both
 * lexically (`..` segments) and after following symlinks. Works for paths that do not exist yet.
 * Returns the absolute, lexically normalised path. Not a defence against a symlink swapped in after the check.
 */
export function resolveInside(root: string, path: string): string {
  if (path.includes('\0') || root.includes('\0')) throw new PathEscapeError(root, path, 'contains a NUL byte');
  const absoluteRoot = resolve(root);
  const candidate = resolve(absoluteRoot, path);
  if (!isPathWithin(absoluteRoot, candidate)) throw new PathEscapeError(root, path, 'it points outside the root');
  const realRoot = realpathOfExistingPrefix(absoluteRoot);
  const realCandidate = realpathOfExistingPrefix(candidate);
  if (!isPathWithin(realRoot, realCandidate)) {
    throw new PathEscapeError(root, path, `a symlink leads outside the root (to "${realCandidate}")`);
  }
  return candidate;
}
