/**
 * The run config's dataset references, opened at a working size. The subset (the paper's Table 2 halves) and
 * the limit are taken from one seeded shuffle, so every stage and every resumed attempt sees the same images.
 */
import { datasetFields, type DatasetRef } from '@ktlab/config';
import { assertBinaryDatasetInRoots, assertStillInRoots, resolveDatasetInRoots } from '@ktlab/config/dataset-roots';
import type { PipelineContext } from './context';
import { halves, hasImageExtension, loadDataset, shuffleIndices, subsetDataset, type ImageDataset, type SkippedFile } from '@ktlab/data';

export interface OpenOptions {
  size: number;
  seed: number;
  cacheDir?: string;
  log?: (message: string) => void;
  /** Hears the number of unreadable files skipped (reported once per dataset and pipeline run). */
  onSkipped?: (count: number) => void;
  /**
   * `KTLAB_DATASET_ROOTS` as the worker resolved them (absolute): when not empty the dataset must lie inside
   * one, is read through its checked real path, and is refused if that path changed during the read.
   */
  datasetRoots?: readonly string[];
  /** The config field the reference came from (`evaluation.test`), for errors. */
  field?: string;
}

/** A dataset reference opened: its chosen images, and the id of every image of the dataset before subset and limit. */
export interface RunDataset extends ImageDataset {
  sourceIds: readonly string[];
}

/** Datasets opened by the running pipeline; cleared when it ends, so a long-lived worker does not keep them. */
const opened = new Map<string, Promise<RunDataset>>();
/** Skip reports already logged by the running pipeline: a folder read again for another subset says it once. */
const reportedSkips = new Set<string>();

export function forgetOpenedDatasets(): void {
  opened.clear();
  reportedSkips.clear();
}

export function describeRef(ref: DatasetRef): string {
  return `${ref.path}${ref.subset === 'all' ? '' : ` (${ref.subset})`}${ref.limit ? ` [${ref.limit}]` : ''}`;
}

/** Opens a dataset reference without remembering it (shard workers keep their own, shorter-lived copy). */
export async function openUncached(ref: DatasetRef, options: OpenOptions): Promise<RunDataset> {
  const full = await loadWithinRoots(ref, options);
  if (full.skipped.length > 0) options.log?.(`${ref.path}: ${describeSkipped(full.skipped)}`);
  options.onSkipped?.(full.skipped.length);
  let indices: Int32Array;
  if (ref.subset === 'all') indices = shuffleIndices(full.count, options.seed);
  else {
    const [first, second] = halves(full.count, options.seed);
    indices = ref.subset === 'first-half' ? first : second;
  }
  if (ref.limit !== undefined && ref.limit < indices.length) indices = indices.slice(0, ref.limit);
  // Keep the dataset's own order inside the chosen subset: stable ids, cache-friendly reads.
  const sorted = Int32Array.from(indices).sort();
  return { ...subsetDataset(full, sorted), skipped: full.skipped, sourceIds: full.ids };
}

async function loadWithinRoots(ref: DatasetRef, options: OpenOptions): Promise<ImageDataset> {
  const roots = options.datasetRoots ?? [];
  if (roots.length === 0) return loadDataset({ kind: ref.format, path: ref.path, size: options.size }, { cacheDir: options.cacheDir });
  const field = options.field ?? 'dataset';
  const real = await resolveDatasetInRoots(field, ref.path, roots, process.cwd());
  if (ref.format !== 'folder') await assertBinaryDatasetInRoots(field, real, ref.format, roots);
  const dataset = await loadDataset({ kind: ref.format, path: real, size: options.size }, { cacheDir: options.cacheDir });
  await assertStillInRoots(field, real, roots);
  return dataset;
}

/**
 * Names only skipped files that look like images (ones that failed to decode); other files are counted, so a
 * run pointed at a folder that is not a dataset does not list what that folder holds.
 */
export function describeSkipped(skipped: readonly SkippedFile[]): string {
  const images = skipped.filter((file) => hasImageExtension(file.file));
  const others = skipped.length - images.length;
  const sample = images.slice(0, 5).map((file) => `${file.file} (${file.reason})`).join(', ');
  return (
    `skipped ${skipped.length} unreadable file(s)` +
    (sample ? `: ${sample}${images.length > 5 ? ', …' : ''}` : '') +
    (others > 0 ? `${sample ? ';' : ':'} ${others} of them not image files (not named)` : '')
  );
}

/** Opens (once per pipeline run) a dataset reference at a working size. */
export function openDataset(ref: DatasetRef, options: OpenOptions): Promise<RunDataset> {
  // Only the decode parameters identify an opened dataset (a stage opening it again does not log twice).
  const key = JSON.stringify([ref, options.size, options.seed, options.cacheDir]);
  let promise = opened.get(key);
  if (!promise) {
    const { log } = options;
    const logOnce = log && ((message: string) => void (reportedSkips.has(message) || (reportedSkips.add(message), log(message))));
    promise = openUncached(ref, { ...options, log: logOnce });
    promise.catch(() => opened.delete(key));
    opened.set(key, promise);
  }
  return promise;
}

export function asImages(dataset: ImageDataset) {
  return { data: dataset.images, count: dataset.count, height: dataset.size, width: dataset.size, channels: dataset.channels };
}

/**
 * A run's dataset at a working size, reporting its unreadable files to the run: a log line naming a few and the
 * metric `data/skipped` (the count; the largest over the run's datasets is what a chart shows last).
 */
export function openRunDataset(context: PipelineContext, ref: DatasetRef, size: number): Promise<RunDataset> {
  return openDataset(ref, {
    size,
    seed: context.config.seed,
    cacheDir: context.cacheDir,
    log: context.log,
    onSkipped: (count) => void context.metric('data/skipped', 0, count),
    datasetRoots: context.datasetRoots,
    field: fieldOf(context, ref),
  });
}

/** The config field a reference was taken from (the pipeline passes the config's own objects). */
export function fieldOf(context: Pick<PipelineContext, 'config'>, ref: DatasetRef): string | undefined {
  return datasetFields(context.config).find((entry) => entry.ref === ref)?.field;
}
