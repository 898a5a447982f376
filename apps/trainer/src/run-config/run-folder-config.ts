/**
 * A run folder belongs to one config: `ktlab run` resumes from the checkpoints it finds there, so running another
 * config into the same folder would mix the two runs. The folder's `config.json` is compared first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConfigSchema, type RunConfig } from '@ktlab/config';

/** Dotted paths at which two JSON values differ (`pretext.epochs`), in document order; [] when equal. */
export function configDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => configDifferences(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(config)'];
}

/**
 * Why `config` cannot run in `runDir`, or undefined when it can: the folder is new, or holds a run of the same
 * config (a resume).
 */
export function runFolderConflict(runDir: string, config: RunConfig): string | undefined {
  const file = join(runDir, 'config.json');
  if (!existsSync(file)) return undefined;
  let earlier: RunConfig;
  try {
    earlier = runConfigSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    return `${file} cannot be read as a run config (${(error as Error).message.split('\n')[0]}); pass --run-dir <new folder>`;
  }
  const differences = configDifferences(earlier, config);
  if (differences.length === 0) return undefined;
  const shown = differences.slice(0, 8).join(', ') + (differences.length > 8 ? `, … (${differences.length} fields)` : '');
  return `${runDir} holds a run of another config (it differs at ${shown}); resuming it would mix the two. Pass --run-dir <new folder>, or delete the folder to start again`;
}
