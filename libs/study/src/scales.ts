/**
 * How big a study is. Every scale runs the same design (the paper's rows × seeds, plus the number-of-clusters
 * and cluster-domain ablations); they differ in images, epochs and network width. `quick` is sized from
 * measured per-cell timings to finish on a 2-core CPU in under an hour (see tools/study/README.md).
 */
import type { DenseEvaluation, EvalProtocolName, PermutationCurriculum, TrainingAugment } from '@ktlab/config';

export const SCALE_NAMES = ['smoke', 'quick', 'medium', 'full'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

/** The medium pretext's permutation curriculum, chosen by the probe (docs/results/probe). */
const MEDIUM_CURRICULUM = { permutations: 100, puzzles: 40_000, rampPuzzles: 120_000 } as const satisfies PermutationCurriculum;

export const STUDY_ROWS = [
  'random',
  'supervised',
  'jigsaw',
  'jigsaw++',
  'cc-jigsaw++',
  'cc-vgg-jigsaw++',
  'cc-hog',
  'cc-random-network',
  'regression-vgg-jigsaw++',
  'rotation',
  'cc-rotation',
] as const;
export type StudyRow = (typeof STUDY_ROWS)[number];

export interface Scale {
  name: ScaleName;
  /** One line for the README. */
  description: string;
  rows: readonly StudyRow[];
  seeds: number;
  /** Unlabelled training images (pretext, clustering, pseudo-labels, target). */
  trainImages: number;
  /** Labelled training images for the evaluation heads (the first N of the same seeded shuffle). */
  evalTrainImages: number;
  /** Test-split images every protocol is scored on. */
  testImages: number;
  /** Pretext training; rows without a pretext take only the net's shape from it (arch width, image size). */
  pretext: {
    epochs: number;
    widthMultiplier: number;
    imageSize: number;
    batchSize: number;
    permutations?: number;
    learningRate?: number;
    /** Images kept out of pretext training to score it (`pretext/heldout_top1`, kept in the cell result). */
    heldOutImages?: number;
    heldOutEvery?: number;
  };
  /** Settings for the rows of one Jigsaw task only, over `pretext` (e.g. Jigsaw++'s 701 permutations and their curriculum). */
  pretextByTask?: Partial<Record<'jigsaw' | 'jigsaw++', { permutations?: number; permutationCurriculum?: PermutationCurriculum }>>;
  target: { epochs: number; widthMultiplier: number };
  clustering: { k: number; iterations: number };
  evaluation: {
    protocols: EvalProtocolName[];
    /** Linear-probe epochs. */
    epochs: number;
    /** Nonlinear and fine-tuning epochs, and how many of the evaluation images they train on. */
    trainEpochs: number;
    trainLimit: number;
    /** Augmentation of the nonlinear and fine-tuning training images (`evaluation.augment`). */
    augment?: TrainingAugment;
    /** Taps of the nonlinear protocol (default: every conv layer). */
    nonlinearLayers?: ('conv1' | 'conv2' | 'conv3' | 'conv4' | 'conv5')[];
    /**
     * Table 3's detection and segmentation columns: a `transfer-<row>-s<seed>` cell per listed row and seed evaluates
     * the main cell's networks with these scene settings (`evaluation.dense`).
     */
    dense?: { rows: readonly StudyRow[]; settings: Partial<DenseEvaluation> };
  };
  /** Table 1 analog: CC+Jigsaw++ with these numbers of clusters (the main row's k is one of them). */
  clusterCounts: number[];
  /** Table 2 analog: cluster on one half of the train split, pseudo-label the other half / the test images. */
  domainAblation: boolean;
  /** Projected wall time on a 2-core CPU, from measured per-cell timings (minutes). */
  projectedMinutes: number;
  /**
   * Where the report goes, under `--out` (docs/results): '' for the quick scale (the report the README links),
   * `medium` → docs/results/medium/. Each finished cell is also kept as `<report>/cells/<cell-id>.json`, which is
   * committed, so a study grows across sittings and machines.
   */
  reportSubdir: string;
}

const ALL_PROTOCOLS: EvalProtocolName[] = ['linear', 'nonlinear', 'finetune'];


export const SCALES: Record<ScaleName, Scale> = {
  smoke: {
    name: 'smoke',
    description: 'CI-style check of the whole tool chain: 2 rows, 1 seed, a few hundred images, one epoch each.',
    rows: ['random', 'cc-jigsaw++'],
    seeds: 1,
    trainImages: 300,
    evalTrainImages: 300,
    testImages: 200,
    pretext: { epochs: 1, widthMultiplier: 0.25, imageSize: 48, batchSize: 64 },
    target: { epochs: 1, widthMultiplier: 0.25 },
    clustering: { k: 10, iterations: 5 },
    evaluation: { protocols: ['linear'], epochs: 2, trainEpochs: 1, trainLimit: 300 },
    clusterCounts: [5, 10],
    domainAblation: false,
    projectedMinutes: 2,
    reportSubdir: 'smoke',
  },
  quick: {
    name: 'quick',
    description:
      'Every row and ablation × 3 seeds, sized for a 2-core CPU in under an hour: 800 train images, width-0.25 nets, 1–2 epochs. ' +
      'It tests the plumbing and **cannot rank the methods**: at this size every linear probe lies within a few points and most orderings are not significant (the medium scale is the one that can).',
    rows: STUDY_ROWS,
    seeds: 3,
    trainImages: 800,
    evalTrainImages: 1_000,
    testImages: 500,
    pretext: { epochs: 2, widthMultiplier: 0.25, imageSize: 48, batchSize: 64 },
    target: { epochs: 2, widthMultiplier: 0.25 },
    clustering: { k: 20, iterations: 10 },
    evaluation: {
      protocols: ALL_PROTOCOLS,
      epochs: 5,
      trainEpochs: 1,
      trainLimit: 400,
      // Table 3's headline rows (no pre-training, labels, the method) transfer to detection and segmentation.
      dense: { rows: ['random', 'supervised', 'cc-jigsaw++'], settings: { trainScenes: 500, testScenes: 200, epochs: 3 } },
    },
    clusterCounts: [5, 10, 20, 50],
    domainAblation: true,
    // ≈ 4,850 CPU-seconds for the paper's 9 rows, extrapolated from measured stage costs (tools/study/TIMINGS.md)
    // ÷ ~1.7 busy threads, measured at 45 min; + 6 cells of the Rotation rows at the same per-cell cost.
    projectedMinutes: 55,
    reportSubdir: '',
  },
  medium: {
    name: 'medium',
    description:
      'The whole CIFAR-10 train split (50,000 images) for pretext, clustering, pseudo-labels and the target, scored on the 10,000 test images; ' +
      'width-0.25 nets; Jigsaw and Jigsaw++ train the paper\'s 701 permutations with a permutation curriculum ' +
      '(the first 40,000 of the 200,000 puzzles from 100 of them, then a pool growing to all 701 over 120,000: in docs/results/probe 14.8% and 8.7% held-out top-1 on all 701, 104× and 61× chance, where 701 from the start stayed at chance), 3 seeds of the 7 rows issue #17 names.',
    rows: ['random', 'supervised', 'jigsaw', 'jigsaw++', 'cc-jigsaw++', 'cc-hog', 'cc-random-network'],
    seeds: 3,
    trainImages: 50_000,
    evalTrainImages: 50_000,
    testImages: 10_000,
    // 4 epochs = 200,000 puzzles: the probe's 20-epoch budget (10,000 images), over which 100 permutations reached
    // 46% held-out top-1 (10× chance at ~50,000 puzzles; with the schedule ending at 50,000 they stayed at 3.8%).
    // 1,000 of the 50,000 images score the pretext every 50,000 puzzles: each cell shows whether its pretext learnt.
    pretext: { epochs: 4, widthMultiplier: 0.25, imageSize: 48, batchSize: 64, heldOutImages: 1_000, heldOutEvery: 50_000 },
    // The paper's 701 permutations for Jigsaw and Jigsaw++ (so the two rows differ by the occlusion alone): from a
    // random start they stay at chance over these 200,000 puzzles, and opening all 701 after 100 undid what the 100
    // had learnt; 40,000 puzzles on 100, then a pool growing to 701 over 120,000, ended at 104× (Jigsaw) and 61×
    // (Jigsaw++) chance (docs/results/probe, *-p701-s48-w0.25-e20-cur100x40k-ramp120k).
    pretextByTask: {
      jigsaw: { permutations: 701, permutationCurriculum: MEDIUM_CURRICULUM },
      'jigsaw++': { permutations: 701, permutationCurriculum: MEDIUM_CURRICULUM },
    },
    target: { epochs: 10, widthMultiplier: 0.25 },
    clustering: { k: 100, iterations: 20 },
    evaluation: {
      protocols: ['linear', 'knn', 'nonlinear', 'finetune'],
      epochs: 10,
      // The nonlinear head (standardised frozen features, dropout 0.5) reaches the linear probe's accuracy on the
      // Random net's conv5 after ~10 epochs of 10,000 images (49.3% vs 48.9%; 5 epochs stayed ~7 points below):
      // libs/pipeline/README.md. Flip + shift as the paper's training does.
      trainEpochs: 10,
      trainLimit: 10_000,
      augment: { flip: true, shift: 0.125 },
      nonlinearLayers: ['conv3', 'conv5'],
      dense: { rows: ['random', 'supervised', 'cc-jigsaw++'], settings: { trainScenes: 2_000, testScenes: 500, epochs: 6 } },
    },
    clusterCounts: [100, 500],
    domainAblation: false,
    // Sized from the first measured cells (docs/results/medium); the ETA switches to measured cell times.
    projectedMinutes: 0,
    reportSubdir: 'medium',
  },
  full: {
    name: 'full',
    description: 'The whole train split (50,000 images), width-0.5 nets, 10 epochs: ~1,500 CPU-hours (extrapolated), meant for GPU workers via --portal.',
    rows: STUDY_ROWS,
    seeds: 3,
    trainImages: 50_000,
    evalTrainImages: 50_000,
    testImages: 10_000,
    pretext: { epochs: 10, widthMultiplier: 0.5, imageSize: 64, batchSize: 64 },
    target: { epochs: 10, widthMultiplier: 0.5 },
    clustering: { k: 500, iterations: 20 },
    evaluation: {
      protocols: ALL_PROTOCOLS,
      epochs: 10,
      trainEpochs: 5,
      trainLimit: 10_000,
      dense: { rows: ['random', 'supervised', 'jigsaw++', 'cc-jigsaw++', 'cc-hog', 'cc-random-network'], settings: { trainScenes: 5_000, testScenes: 1_000, epochs: 10 } },
    },
    clusterCounts: [50, 100, 500, 1000, 2000],
    domainAblation: true,
    // Extrapolated from the quick scale's measured per-image costs (TIMINGS.md): ~5 M CPU-seconds, i.e. weeks on 2 cores.
    projectedMinutes: 51_000,
    reportSubdir: 'full',
  },
};

export function scaleByName(name: string): Scale {
  if (!(SCALE_NAMES as readonly string[]).includes(name)) throw new Error(`unknown scale "${name}"; known: ${SCALE_NAMES.join(', ')}`);
  return SCALES[name as ScaleName];
}

/** Cells in the scale's full design (all rows, its seeds, both ablations), for the ETA before any cell finished. */
export function designCellCount(scale: Scale): number {
  const ablations = scale.rows.includes('cc-jigsaw++')
    ? scale.clusterCounts.filter((k) => k !== scale.clustering.k).length + (scale.domainAblation ? 3 : 0)
    : 0;
  const transfers = scale.rows.filter((row) => scale.evaluation.dense?.rows.includes(row)).length;
  return scale.seeds * (scale.rows.length + transfers + ablations);
}
