/**
 * The run page's Downloads: a finished run's features, centroids, pseudo-labels, models and evaluation table
 * (the files libs/pipeline's listRunDownloads names, uploaded by the worker), grouped by kind, each group saying
 * what its files hold and how to read them.
 */

export interface DownloadArtifact {
  id: string;
  name: string;
  kind: string;
  bytes: number;
}

export interface DownloadGroup<A extends DownloadArtifact = DownloadArtifact> {
  kind: string;
  label: string;
  description: string;
  files: A[];
}

const GROUPS: readonly Omit<DownloadGroup, 'files'>[] = [
  {
    kind: 'features',
    label: 'Features',
    description:
      'float32 .npy, one row per image: features-clustering.npy for the images k-means ran on, features-labeling.npy for the images given pseudo-labels when those are others; the labelled images’ rows are in the order of the pseudo-labels CSV.',
  },
  {
    kind: 'centroids',
    label: 'Centroids',
    description: 'The k-means centroids, float32 .npy [k, dims], in the space k-means ran in (after its PCA and normalisation, when configured).',
  },
  {
    kind: 'pseudo-labels',
    label: 'Pseudo-labels',
    description: 'The cluster id of every image: int32 .npy, and CSV path,label with the image paths relative to the dataset folder (row i of the .npy is the CSV’s i-th image). Another run takes the CSV back as clustering.labelsFile.',
  },
  {
    kind: 'model',
    label: 'Models',
    description: 'TensorFlow.js layers format: save a model.json and its weights file into one folder, then tf.loadLayersModel on the model.json.',
  },
  {
    kind: 'eval-table',
    label: 'Evaluation table',
    description: 'eval.csv: protocol, layer, dataset, metric, value (a fraction); results.json holds the same cells as JSON.',
  },
];

const DOWNLOAD_KINDS: ReadonlySet<string> = new Set(GROUPS.map((group) => group.kind));

/** Whether an artifact of this kind is listed under Downloads (not under Files or Figures). */
export const isDownloadKind = (kind: string): boolean => DOWNLOAD_KINDS.has(kind);

/** The run's downloads by group, in the order above; groups without files are left out, files sorted by name. */
export function downloadGroups<A extends DownloadArtifact>(artifacts: readonly A[]): DownloadGroup<A>[] {
  return GROUPS.map((group) => ({ ...group, files: artifacts.filter((artifact) => artifact.kind === group.kind).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) })).filter(
    (group) => group.files.length > 0,
  );
}

/** A file size in binary units: `512 B`, `1.5 KiB`, `3.20 MiB`, `1.07 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`formatBytes: ${bytes} is not a file size`);
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  const shown = (value: number, unit: number) => value.toFixed(unit === 0 ? 1 : 2);
  let value = bytes / 1024;
  let unit = 0;
  // the next unit once the shown number would reach 1024 (1048575 bytes is 1.00 MiB, not 1024.0 KiB)
  while (Number(shown(value, unit)) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${shown(value, unit)} ${units[unit]}`;
}
