/**
 * The paper's rows as presets. A preset fixes the method; the user picks the data. Each has a `quick`
 * variant (fewer epochs, a subset of the images) that finishes fast on a CPU.
 */
import type { DatasetRefInput, RunConfig, RunConfigInput } from './run-config';
import { runConfigSchema } from './run-config';

export interface Preset {
  id: string;
  /** The row's name in the paper's tables. */
  name: string;
  /** One line shown next to the preset in the launch form. */
  description: string;
  needsData: boolean;
  /** A reference the paper lists beside the methods (the supervised upper bound): never marked best in a table. */
  reference?: boolean;
  build(options: PresetOptions): RunConfigInput;
}

export interface PresetOptions {
  data?: DatasetRefInput;
  quick?: boolean;
  seed?: number;
  /**
   * Train the pretext with the permutation set the papers released instead of generating one: Jigsaw++ presets
   * the CVPR 2018 set of 701, the Jigsaw preset the ECCV 2016 set of 100 (it has no released set of 1000).
   * Presets without a Jigsaw pretext ignore it.
   */
  referencePermutations?: boolean;
  /** The folder holding `reference/`: `../shared` (relative to the repository root, as the portal names datasets) unless given. */
  sharedDir?: string;
}

/** The permutation sets released with the papers, by size, relative to the shared folder (see its README). */
export const REFERENCE_PERMUTATION_FILES: Readonly<Record<'jigsaw' | 'jigsaw++', { permutations: number; file: string }>> = {
  'jigsaw++': { permutations: 701, file: 'reference/permutations_701.bin' },
  jigsaw: { permutations: 100, file: 'reference/permutations_100_max.bin' },
};

export const DEFAULT_SHARED_DIR = '../shared';

/** The pretext settings that train with the released permutation set of `task` from `sharedDir`. */
export function referencePermutations(task: 'jigsaw' | 'jigsaw++', sharedDir = DEFAULT_SHARED_DIR): { permutations: number; permutationsFile: string } {
  const { permutations, file } = REFERENCE_PERMUTATION_FILES[task];
  return { permutations, permutationsFile: `${sharedDir.replace(/\/+$/, '')}/${file}` };
}

type PipelineOverrides = Omit<Extract<RunConfigInput, { kind: 'pipeline' }>, 'kind' | 'data' | 'seed'>;

/**
 * Evaluation of quick runs: linear + kNN at every conv layer as in the full runs; nonlinear at conv3 and conv5
 * only (frozen conv1, the costliest, trains almost the whole net) and finetune, each 2 epochs on 2,500 of the
 * evaluation training images. Estimated from CIFAR-10 timings (a 1,000-image subset on the shared 2-core CPU,
 * scaled by the cluster-classification time measured alongside): about +2 min on the 8.6 min quick run.
 */
const QUICK_EVALUATION = {
  epochs: 3,
  protocols: ['linear', 'knn', 'nonlinear', 'finetune'],
  nonlinearLayers: ['conv3', 'conv5'],
  trainEpochs: 2,
  trainLimit: 2_500,
} satisfies NonNullable<PipelineOverrides['evaluation']>;

function pipelinePreset(
  id: string,
  name: string,
  description: string,
  overrides: PipelineOverrides,
): Preset {
  return {
    id,
    name,
    description,
    needsData: true,
    build({ data, quick = false, seed = 0, referencePermutations: reference = false, sharedDir }) {
      if (!data) throw new Error(`preset ${id} needs a dataset`);
      const config: Extract<RunConfigInput, { kind: 'pipeline' }> = {
        kind: 'pipeline',
        seed,
        ...overrides,
        // The paper's four evaluations: linear probes and kNN on frozen conv features, nonlinear (Table 6), finetune (Table 3).
        evaluation: { protocols: ['linear', 'knn', 'nonlinear', 'finetune'], ...overrides.evaluation },
        data,
      };
      const task = config.pretext?.task ?? 'jigsaw++';
      if (reference && (task === 'jigsaw' || task === 'jigsaw++')) config.pretext = { ...config.pretext, ...referencePermutations(task, sharedDir) };
      if (quick) {
        // Sized for a 2-core CPU: ~11 minutes for CC+Jigsaw++ on CIFAR-10 (8.6 measured before nonlinear/finetune; see README).
        config.data = { ...data, limit: data.limit ?? 5_000 };
        config.pretext = { ...config.pretext, epochs: 2, widthMultiplier: 0.25, imageSize: 48 };
        config.target = { ...config.target, epochs: 3, widthMultiplier: 0.25 };
        config.clustering = { ...config.clustering, iterations: 10, k: Math.min(config.clustering?.k ?? 500, 100) };
        config.evaluation = { ...config.evaluation, ...QUICK_EVALUATION };
      }
      return config;
    },
  };
}

const noTransfer = { target: { objective: 'none' as const } };

export const presets: Preset[] = [
  {
    id: 'smoke',
    name: 'Worker check',
    description: 'A 60-step synthetic TensorFlow.js training job: checks a worker end to end in seconds.',
    needsData: false,
    build: ({ seed = 0 }) => ({ kind: 'smoke', seed }),
  },
  pipelinePreset('random', 'Random', 'Randomly initialised AlexNet-style net, evaluated as is (the lower bound).', {
    pretext: { task: 'none' },
    ...noTransfer,
  }),
  {
    ...pipelinePreset('supervised', 'Supervised', 'AlexNet-style net trained on the labels (the upper bound).', {
      pretext: { task: 'none' },
      target: { objective: 'supervised' },
    }),
    reference: true,
  },
  pipelinePreset('jigsaw', 'Jigsaw', 'Jigsaw pretext (1000 permutations, no occlusion) on AlexNet-style; its conv layers are evaluated.', {
    pretext: { task: 'jigsaw', permutations: 1000, maxOccludedTiles: 0 },
    ...noTransfer,
  }),
  pipelinePreset('jigsaw++', 'Jigsaw++', 'Jigsaw++ pretext (701 permutations, up to 2 occluding tiles) on AlexNet-style, evaluated directly.', {
    pretext: { task: 'jigsaw++' },
    ...noTransfer,
  }),
  pipelinePreset('cc-jigsaw++', 'CC+Jigsaw++', 'Jigsaw++ on AlexNet-style → cluster its conv4 features → train a fresh AlexNet-style net on the cluster ids.', {
    pretext: { task: 'jigsaw++', arch: 'alexnet' },
  }),
  pipelinePreset('cc-vgg-jigsaw++', 'CC+vgg-Jigsaw++', 'Jigsaw++ on the deeper VGG-style net → clusters → AlexNet-style target (the paper\'s main result).', {
    pretext: { task: 'jigsaw++', arch: 'vgg' },
    clustering: { layer: 'conv4' },
  }),
  pipelinePreset('rotation', 'Rotation', 'Rotation pretext (Gidaris et al. 2018: predict which of 0/90/180/270° an image was turned by) on AlexNet-style, evaluated directly.', {
    pretext: { task: 'rotation' },
    ...noTransfer,
  }),
  pipelinePreset('cc-rotation', 'CC+Rotation', 'Rotation on AlexNet-style → cluster its conv4 features → train a fresh AlexNet-style net on the cluster ids (the transfer is pretext-agnostic).', {
    pretext: { task: 'rotation', arch: 'alexnet' },
    clustering: { layer: 'conv4' },
  }),
  pipelinePreset('cc-hog', 'CC+HOG', 'Cluster HOG descriptors instead of learnt features → AlexNet-style target (baseline).', {
    pretext: { task: 'none' },
    clustering: { source: 'hog' },
  }),
  pipelinePreset('cc-random-network', 'CC+random network', 'Cluster features of a randomly initialised network → AlexNet-style target (baseline).', {
    pretext: { task: 'none' },
    clustering: { source: 'random-network' },
  }),
  pipelinePreset('regression-vgg-jigsaw++', 'Regression (vgg-Jigsaw++)', 'Distillation baseline: the AlexNet-style student regresses the VGG-style teacher\'s conv activations.', {
    pretext: { task: 'jigsaw++', arch: 'vgg' },
    target: { objective: 'regression' },
  }),
];

export function findPreset(id: string): Preset {
  const preset = presets.find((candidate) => candidate.id === id);
  if (!preset) throw new Error(`unknown preset "${id}"; known: ${presets.map((p) => p.id).join(', ')}`);
  return preset;
}

/** The full, validated config of a preset. */
export function presetConfig(id: string, options: PresetOptions = {}): RunConfig {
  return runConfigSchema.parse(findPreset(id).build(options));
}
