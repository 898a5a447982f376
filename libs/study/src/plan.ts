/**
 * The study's cells: one pipeline run each. Main cells are row × seed (Tables 4, 6, 3); ablation cells vary
 * CC+Jigsaw++'s number of clusters (Table 1) and where it clusters and pseudo-labels (Table 2). Every config is
 * built from the row's preset and validated by the run-config schema, so local and portal runs are identical.
 */
import { findPreset, pipelineConfigSchema, type DatasetRefInput, type PipelineConfig } from '@ktlab/config';
import { STUDY_ROWS, type Scale, type StudyRow } from './scales';
import { sha256Hex } from './sha256';

/** Main cells (row × seed), their detection/segmentation transfer cells, and the two ablations (Tables 1–2). */
export const CELL_GROUPS = ['main', 'transfer', 'clusters', 'domain'] as const;
export type CellGroup = (typeof CELL_GROUPS)[number];

/** Table 2 analog: where CC+Jigsaw++ clusters and where its pseudo-labels (the target's training set) come from. */
export const DOMAIN_VARIANTS = ['half-A→half-A', 'half-A→half-B', 'half-A→test'] as const;
export type DomainVariant = (typeof DOMAIN_VARIANTS)[number];

export interface StudyCell {
  /** Stable id, also the cell's folder name: `cc-jigsaw++-s0`, `k50-s1`, `domain-half-A-half-B-s2`. */
  id: string;
  group: CellGroup;
  row: StudyRow;
  /** The row's name in the paper's tables. */
  rowName: string;
  seed: number;
  /** Number of clusters (cluster-classification rows). */
  k?: number;
  domain?: DomainVariant;
  /** A transfer cell: the main cell whose trained networks it evaluates (`random-s0` for `transfer-random-s0`). */
  evaluates?: string;
  config: PipelineConfig;
}

export interface StudyPlan {
  scale: Scale;
  dataRoot: string;
  cells: StudyCell[];
  /** Ablation points that are a main cell (same config): `k20-s0` → `cc-jigsaw++-s0`. Not run twice. */
  aliases: Record<string, string>;
}

export interface PlanOptions {
  scale: Scale;
  /**
   * A CIFAR-10-style root with `train/<class>/*` and `test/<class>/*`, as a resolved path (the configs, and so
   * their hashes, name `<dataRoot>/train` and `<dataRoot>/test`).
   */
  dataRoot: string;
  /** Overrides the scale's number of seeds. */
  seeds?: number;
  /** Only these rows (preset ids); ablations run only when `cc-jigsaw++` is among them. */
  only?: string[];
  /** Only cells of these groups (e.g. `main` to leave the hour-long transfer cells for later). */
  groups?: string[];
}

const ABLATION_ROW: StudyRow = 'cc-jigsaw++';

/** `<root>/<name>` as `path.join` writes it for a resolved root (no `node:path` here: this lib also runs in browsers). */
function childPath(root: string, name: string): string {
  const trimmed = root.replace(/\/+$/, '');
  return trimmed === '' && root.startsWith('/') ? `/${name}` : `${trimmed}/${name}`;
}

function splitRef(dataRoot: string, split: 'train' | 'test', limit: number, subset: DatasetRefInput['subset'] = 'all'): DatasetRefInput {
  return { path: childPath(dataRoot, split), format: 'folder', subset, limit };
}

/** The row's preset at this scale: its method fixed by the preset, its size by the scale. */
export function cellConfig(scale: Scale, dataRoot: string, row: StudyRow, seed: number): PipelineConfig {
  const input = findPreset(row).build({ data: splitRef(dataRoot, 'train', scale.trainImages), seed });
  if (input.kind !== 'pipeline') throw new Error(`preset ${row} is not a pipeline`);
  // A row without a pretext trains nothing there: it takes only the net's shape (the random network's width and
  // image size), so its config (and hash) does not change when the scale's pretext training settings do.
  const { widthMultiplier, imageSize } = scale.pretext;
  const task = input.pretext?.task;
  const byTask = task === 'jigsaw' || task === 'jigsaw++' ? scale.pretextByTask?.[task] : undefined;
  input.pretext = task === 'none' ? { ...input.pretext, widthMultiplier, imageSize } : { ...input.pretext, ...scale.pretext, ...byTask };
  input.target = { ...input.target, ...scale.target };
  input.clustering = { ...input.clustering, ...scale.clustering };
  input.evaluation = {
    ...input.evaluation,
    protocols: scale.evaluation.protocols,
    epochs: scale.evaluation.epochs,
    trainEpochs: scale.evaluation.trainEpochs,
    trainLimit: scale.evaluation.trainLimit,
    ...(scale.evaluation.nonlinearLayers ? { nonlinearLayers: scale.evaluation.nonlinearLayers } : {}),
    ...(scale.evaluation.augment ? { augment: scale.evaluation.augment } : {}),
    // The heads learn from labelled train images and are scored on the test split.
    train: splitRef(dataRoot, 'train', scale.evalTrainImages),
    test: splitRef(dataRoot, 'test', scale.testImages),
  } as typeof input.evaluation;
  const parsed = pipelineConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`study config for ${row} (seed ${seed}) is invalid: ${issues}`);
  }
  return parsed.data;
}

/** Tables 1 and 2 report linear probes only: the ablation cells skip the (costlier) nonlinear and fine-tuning heads. */
function linearOnly(config: PipelineConfig): PipelineConfig['evaluation'] {
  return { ...config.evaluation, protocols: ['linear'] };
}

/**
 * Table 3's detection and segmentation columns for a main cell: the same config (so the same networks), evaluated
 * by the dense protocols only. Its own cell, so the main cell's config and hash stay as they were, and a study run
 * locally evaluates the networks the main cell already trained instead of training them again.
 */
function withDenseTransfer(config: PipelineConfig, dense: NonNullable<Scale['evaluation']['dense']>): PipelineConfig {
  return pipelineConfigSchema.parse({ ...config, evaluation: { ...config.evaluation, protocols: ['detection', 'segmentation'], dense: dense.settings } });
}

function withClusters(config: PipelineConfig, k: number): PipelineConfig {
  return pipelineConfigSchema.parse({ ...config, clustering: { ...config.clustering, k }, evaluation: linearOnly(config) });
}

/**
 * Table 2: cluster on the first half of the train split; pseudo-label the same half, the other half, or the test
 * split's images (their labels are never read). The pretext still learns from the run's training images.
 */
function withDomain(config: PipelineConfig, variant: DomainVariant, dataRoot: string, scale: Scale): PipelineConfig {
  const half = Math.max(1, Math.floor(scale.trainImages / 2));
  const clusterOn = splitRef(dataRoot, 'train', half, 'first-half');
  const labelOn: Record<DomainVariant, DatasetRefInput> = {
    'half-A→half-A': clusterOn,
    'half-A→half-B': splitRef(dataRoot, 'train', half, 'second-half'),
    'half-A→test': splitRef(dataRoot, 'test', half),
  };
  return pipelineConfigSchema.parse({ ...config, clustering: { ...config.clustering, data: clusterOn }, pseudoLabels: { data: labelOn[variant] }, evaluation: linearOnly(config) });
}

function domainSlug(variant: DomainVariant): string {
  return variant.replace('→', '-');
}

export function planStudy(options: PlanOptions): StudyPlan {
  const { scale, dataRoot } = options;
  const seeds = options.seeds ?? scale.seeds;
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error(`seeds must be a positive integer, got ${seeds}`);
  const unknown = (options.only ?? []).filter((row) => !(STUDY_ROWS as readonly string[]).includes(row));
  if (unknown.length) throw new Error(`unknown row(s) ${unknown.join(', ')}; known: ${STUDY_ROWS.join(', ')}`);
  const rows = options.only?.length ? scale.rows.filter((row) => options.only!.includes(row)) : scale.rows;
  if (rows.length === 0) throw new Error(`none of the rows ${options.only!.join(', ')} is a row of the ${scale.name} scale (${scale.rows.join(', ')})`);

  const cells: StudyCell[] = [];
  const aliases: Record<string, string> = {};
  const seedList = Array.from({ length: seeds }, (_, index) => index);
  for (const seed of seedList) {
    for (const row of rows) {
      cells.push({ id: `${row}-s${seed}`, group: 'main', row, rowName: findPreset(row).name, seed, config: cellConfig(scale, dataRoot, row, seed), ...kOf(row, scale) });
    }
  }
  const dense = scale.evaluation.dense;
  if (dense) {
    for (const seed of seedList) {
      for (const row of rows.filter((name) => dense.rows.includes(name))) {
        const main = cells.find((cell) => cell.id === `${row}-s${seed}`)!;
        cells.push({ id: `transfer-${main.id}`, group: 'transfer', row, rowName: main.rowName, seed, ...kOf(row, scale), evaluates: main.id, config: withDenseTransfer(main.config, dense) });
      }
    }
  }
  if (rows.includes(ABLATION_ROW)) {
    const rowName = findPreset(ABLATION_ROW).name;
    for (const seed of seedList) {
      const base = cellConfig(scale, dataRoot, ABLATION_ROW, seed);
      for (const k of scale.clusterCounts) {
        const id = `k${k}-s${seed}`;
        if (k === base.clustering.k) aliases[id] = `${ABLATION_ROW}-s${seed}`;
        else cells.push({ id, group: 'clusters', row: ABLATION_ROW, rowName, seed, k, config: withClusters(base, k) });
      }
      if (scale.domainAblation) {
        for (const domain of DOMAIN_VARIANTS) {
          cells.push({ id: `domain-${domainSlug(domain)}-s${seed}`, group: 'domain', row: ABLATION_ROW, rowName, seed, k: base.clustering.k, domain, config: withDomain(base, domain, dataRoot, scale) });
        }
      }
    }
  }
  if (options.groups?.length) {
    const unknownGroups = options.groups.filter((group) => !(CELL_GROUPS as readonly string[]).includes(group));
    if (unknownGroups.length) throw new Error(`unknown cell group(s) ${unknownGroups.join(', ')}; known: ${CELL_GROUPS.join(', ')}`);
    const kept = cells.filter((cell) => options.groups!.includes(cell.group));
    const ids = new Set(kept.map((cell) => cell.id));
    const keptAliases = Object.fromEntries(Object.entries(aliases).filter(([, target]) => ids.has(target)));
    return { scale, dataRoot, cells: kept, aliases: keptAliases };
  }
  return { scale, dataRoot, cells, aliases };
}

function kOf(row: StudyRow, scale: Scale): { k?: number } {
  const usesClusters = row.startsWith('cc-');
  return usesClusters ? { k: scale.clustering.k } : {};
}

/** A cell's identity as its id names it (the inverse of the ids `planStudy` gives), without its config. */
export type CellIdentity = Omit<StudyCell, 'config'>;

/**
 * Who a cell is, from its id alone: `jigsaw-s1` (a main row), `transfer-random-s0` (its detection and segmentation),
 * `k50-s0` (the number-of-clusters ablation), `domain-half-A-half-B-s2` (the cluster-domain ablation); undefined for an id the plan never gives. A main
 * CC row's k and a domain cell's k are the scale's, which the id does not say: they are left out.
 */
export function parseCellId(id: string): CellIdentity | undefined {
  const match = /^(.+)-s(0|[1-9]\d*)$/.exec(id);
  if (!match) return undefined;
  const [, head = '', seedText = ''] = match;
  const seed = Number(seedText);
  const clusters = /^k([1-9]\d*)$/.exec(head);
  if (clusters) return { id, group: 'clusters', row: ABLATION_ROW, rowName: findPreset(ABLATION_ROW).name, seed, k: Number(clusters[1]) };
  const domain = DOMAIN_VARIANTS.find((variant) => head === `domain-${domainSlug(variant)}`);
  if (domain) return { id, group: 'domain', row: ABLATION_ROW, rowName: findPreset(ABLATION_ROW).name, seed, domain };
  const transferred = STUDY_ROWS.find((name) => head === `transfer-${name}`);
  if (transferred) return { id, group: 'transfer', row: transferred, rowName: findPreset(transferred).name, seed, evaluates: `${transferred}-s${seed}` };
  const row = STUDY_ROWS.find((name) => name === head);
  return row ? { id, group: 'main', row, rowName: findPreset(row).name, seed } : undefined;
}

/**
 * Cells whose pretext stage would be identical (same seed, training images and pretext settings) may share one
 * trained pretext network: the paper, too, evaluates Jigsaw++ and transfers from the very same model.
 */
export function pretextKey(config: PipelineConfig): string | undefined {
  if (config.pretext.task === 'none') return undefined;
  const prefix = { seed: config.seed, data: config.data, imageSize: config.imageSize, pretext: config.pretext };
  return sha256Hex(JSON.stringify(prefix)).slice(0, 16);
}

/** A fingerprint of a cell's whole config: a finished cell counts only if it ran this exact config. */
export function configHash(config: PipelineConfig): string {
  return sha256Hex(JSON.stringify(config)).slice(0, 16);
}
