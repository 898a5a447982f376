/**
 * The files of a finished run that people download (run page, `ktlab run` folder): features, centroids and
 * pseudo-labels as `.npy` (plus the labels CSV with image paths), the pretext and target models in tf.js format,
 * and the evaluation table as CSV. `writeRunDownloads` writes the ones no stage writes; `listRunDownloads` names
 * each file the run folder has under the flat name it is uploaded and downloaded as.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '@ktlab/data';
import { exportClusteringNpy, loadModel, readPseudoLabels, writeNpy } from '@ktlab/kmeans';
import type { EvalResult } from '../context';

export type DownloadKind = 'features' | 'centroids' | 'pseudo-labels' | 'model' | 'eval-table';

export interface RunDownload {
  /** The flat file name on the portal and in the browser's download folder. */
  name: string;
  /** Where it lies, relative to the run folder. */
  path: string;
  kind: DownloadKind;
  bytes: number;
  /**
   * Set on a tf.js model.json: its weight paths must be renamed to `<weightsPrefix><file>` (renameModelWeights)
   * before it is uploaded, so the downloaded pair, side by side under their flat names, loads.
   */
  weightsPrefix?: string;
}

const EVAL_CSV_HEADER = 'protocol,layer,dataset,metric,value';

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The evaluation table as CSV, one row per cell (`value` a fraction, e.g. top-1 accuracy 0.5236). */
export function evalResultsCsv(results: readonly EvalResult[]): string {
  const rows = results.map((r) => [r.protocol, r.layer, r.dataset, r.metric].map(csvField).concat(String(r.value)).join(','));
  return [EVAL_CSV_HEADER, ...rows].join('\n') + '\n';
}

/**
 * Writes `kmeans/centroids.npy` (float32 [k, dims], in the space k-means ran in, i.e. after its preprocessing),
 * `pseudo-labels/labels.npy` (int32 [n], row i = line i + 2 of `labels.csv`, the image it names) and `eval.csv`
 * from what the stages left in the run folder. Every file is replaced whole, so running it again (a resumed run)
 * rewrites the same bytes.
 */
export async function writeRunDownloads(runDir: string, evalResults: readonly EvalResult[]): Promise<void> {
  const kmeansModel = join(runDir, 'kmeans', 'centroids.ktkm');
  if (existsSync(kmeansModel)) {
    // written aside then renamed, so a stop half way never leaves a short centroids.npy behind
    const aside = join(runDir, 'kmeans', `.export-${randomBytes(4).toString('hex')}`);
    try {
      const [written] = await exportClusteringNpy(aside, { model: await loadModel(kmeansModel) });
      await rename(written, join(runDir, 'kmeans', 'centroids.npy'));
    } finally {
      await rm(aside, { recursive: true, force: true });
    }
  }
  const labels = join(runDir, 'pseudo-labels', 'labels.ktpl');
  if (existsSync(labels)) {
    const { labels: values } = await readPseudoLabels(labels);
    const target = join(runDir, 'pseudo-labels', 'labels.npy');
    const temporary = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeNpy(temporary, values, [values.length]);
      await rename(temporary, target);
    } finally {
      await rm(temporary, { force: true });
    }
  }
  writeFileAtomic(join(runDir, 'eval.csv'), [Buffer.from(evalResultsCsv(evalResults))]);
}

const FIXED: readonly Omit<RunDownload, 'bytes'>[] = [
  { name: 'features-clustering.npy', path: 'features/clustering.npy', kind: 'features' },
  { name: 'features-labeling.npy', path: 'features/labeling.npy', kind: 'features' },
  { name: 'centroids.npy', path: 'kmeans/centroids.npy', kind: 'centroids' },
  { name: 'pseudo-labels.npy', path: 'pseudo-labels/labels.npy', kind: 'pseudo-labels' },
  { name: 'pseudo-labels.csv', path: 'pseudo-labels/labels.csv', kind: 'pseudo-labels' },
  { name: 'eval.csv', path: 'eval.csv', kind: 'eval-table' },
];

/** The models a run saves (tf.js layers format), and the prefix of their flat download names. */
const MODELS = [
  { prefix: 'pretext-', dir: 'pretext/trunk' },
  { prefix: 'target-', dir: 'target/model' },
];

interface ModelJson {
  weightsManifest?: { paths: string[] }[];
}

/** The flat name a weights file of a model.json is downloaded as. */
const flatWeightsName = (prefix: string, path: string) => `${prefix}${basename(path.replace(/^\.\//, ''))}`;

/**
 * The run folder's downloadable files that exist, with their sizes; a model's weight files come before its
 * model.json, so a model.json on the portal always has its weights there already.
 */
export function listRunDownloads(runDir: string): RunDownload[] {
  const sized = (file: Omit<RunDownload, 'bytes'>): RunDownload[] => {
    const path = join(runDir, file.path);
    return existsSync(path) ? [{ ...file, bytes: statSync(path).size }] : [];
  };
  const models = MODELS.flatMap(({ prefix, dir }) => {
    const json = join(runDir, dir, 'model.json');
    if (!existsSync(json)) return [];
    let model: ModelJson;
    try {
      model = JSON.parse(readFileSync(json, 'utf8')) as ModelJson;
    } catch (error) {
      throw new Error(`${json} is not valid JSON: ${(error as Error).message}`);
    }
    const weights = (model.weightsManifest ?? []).flatMap((group) => group.paths);
    return [
      ...weights.flatMap((path) => sized({ name: flatWeightsName(prefix, path), path: join(dir, path.replace(/^\.\//, '')), kind: 'model' })),
      ...sized({ name: `${prefix}model.json`, path: `${dir}/model.json`, kind: 'model', weightsPrefix: prefix }),
    ];
  });
  return [...FIXED.flatMap(sized), ...models];
}

/** A tf.js model.json whose weight files are named `<prefix><file>` next to it, as they are downloaded. */
export function renameModelWeights(modelJson: string, prefix: string): string {
  let model: ModelJson;
  try {
    model = JSON.parse(modelJson) as ModelJson;
  } catch (error) {
    throw new Error(`renameModelWeights: the model.json is not valid JSON: ${(error as Error).message}`);
  }
  for (const group of model.weightsManifest ?? []) group.paths = group.paths.map((path) => `./${flatWeightsName(prefix, path)}`);
  return JSON.stringify(model);
}
