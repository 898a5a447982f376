export type LoadPhase = 'scan' | 'decode' | 'read-cache' | 'write-cache';

export interface LoadProgress {
  phase: LoadPhase;
  done: number;
  total: number;
}

export interface LoadOptions {
  /** Decode cache folder; default `cacheDir()` (`$KTLAB_CACHE`, else `<KTLAB_HOME>/cache`). `false` disables the cache. */
  cacheDir?: string | false;
  /** When set, the spec's path (and IDX labels path) must resolve inside this folder (no `..`, no symlink escape). */
  dataRoot?: string;
  onProgress?: (progress: LoadProgress) => void;
  /** Images decoded at once (default 8). */
  concurrency?: number;
}
