/**
 * The run configuration: one zod schema shared by the portal's launch form, the tRPC API and the trainer.
 * Every field has a default, so `{ kind: 'pipeline' }` is a complete config; presets fill in the paper's rows.
 */
import { z } from 'zod';
import { denseEvaluationSchema, evalProtocolSchema } from './eval-protocols';
import { requirementsSchema } from './requirements';

export const datasetRefSchema = z.object({
  /** An image folder (`root/<class>/*.jpg` or flat), a CIFAR binary folder, or an IDX file. */
  path: z.string().trim().min(1, 'a dataset path is required'),
  format: z.enum(['folder', 'cifar-binary', 'idx']).default('folder'),
  /** Part of the dataset to use; the halves are the paper's Table 2 split (deterministic by seed). */
  subset: z.enum(['all', 'first-half', 'second-half']).default('all'),
  /** Use only the first N images after the seeded shuffle (quick runs). */
  limit: z.number().int().positive().optional(),
});
export type DatasetRef = z.infer<typeof datasetRefSchema>;
export type DatasetRefInput = z.input<typeof datasetRefSchema>;

export const archSchema = z.enum(['alexnet', 'vgg']);

/**
 * The pretext tasks a run may name (`none`: no pretext). Each has an implementation in libs/pipeline's pretext
 * task registry, which is typed against this list: a name here without one is a type error there.
 */
export const PRETEXT_TASKS = ['none', 'jigsaw', 'jigsaw++', 'rotation'] as const;
export const pretextTaskSchema = z.enum(PRETEXT_TASKS);
export type PretextTaskName = z.infer<typeof pretextTaskSchema>;

export const permutationCurriculumSchema = z.object({
  /** Size of the subset the first puzzles are drawn from; smaller than `pretext.permutations`. */
  permutations: z.number().int().min(2),
  /** Training puzzles drawn from the subset alone. */
  puzzles: z.number().int().min(1),
  /**
   * Training puzzles over which the subset then grows, evenly, to the whole set (along the same greedy order, so
   * each pool holds the previous one); absent or 0 opens the whole set at once.
   */
  rampPuzzles: z.number().int().min(0).optional(),
});

export type PermutationCurriculum = z.infer<typeof permutationCurriculumSchema>;

export const pretextSchema = z.object({
  /** Jigsaw / Jigsaw++: predict the permutation of 9 shuffled tiles; rotation: predict which of 0/90/180/270° an image was turned by. */
  task: pretextTaskSchema.default('jigsaw++'),
  arch: archSchema.default('alexnet'),
  /** Puzzles are cut from images resized to this size (CIFAR-10 is upscaled: 32px puzzles have 7px tiles). */
  imageSize: z.number().int().min(24).max(1024).default(64),
  /** Scales every conv layer's width (1 = the paper's AlexNet widths). */
  widthMultiplier: z.number().positive().max(4).default(1),
  epochs: z.number().positive().max(1000).default(30),
  batchSize: z.number().int().min(1).max(4096).default(64),
  learningRate: z.number().positive().max(10).default(0.01),
  /** Size of the permutation set (the paper: 1000 for Jigsaw, 701 for Jigsaw++). */
  permutations: z.number().int().min(2).max(5000).default(701),
  /**
   * Train with this permutation set instead of generating one: a file in the paper's `.bin` format (int32 n,
   * int32 9, n × 9 1-indexed tile indices), e.g. `../shared/reference/permutations_701.bin`. It must hold exactly
   * `permutations` permutations. Read by the worker, inside `KTLAB_DATASET_ROOTS` like the datasets.
   */
  permutationsFile: z.string().trim().min(1, 'a permutation file path is required (leave the field out to generate the set)').optional(),
  /**
   * Jigsaw / Jigsaw++: the first `puzzles` training puzzles draw their permutation from a well-separated subset of
   * `permutations` members of the set (greedy maximin on the Hamming distance), the next `rampPuzzles` from a pool
   * growing evenly to the whole set, every later one from the whole set. The head predicts the whole set throughout
   * and held-out puzzles always come from the whole set. Meant for large sets on small images: on CIFAR-10 701
   * permutations stay at chance over 200,000 puzzles from a random start while 100 leave it, and opening all 701 at
   * once after 100 undid what the 100 had learnt (docs/results/probe).
   */
  permutationCurriculum: permutationCurriculumSchema.optional(),
  /** Jigsaw++: at most this many of the 9 tiles come from another image. */
  maxOccludedTiles: z.number().int().min(0).max(8).default(2),
  grayProbability: z.number().min(0).max(1).default(0.5),
  projectionProbability: z.number().min(0).max(1).default(0.25),
  /**
   * Images kept out of pretext training to measure it: a fixed set of examples is made from them (one puzzle per
   * image; for rotation, its four rotations), and the net's top-1 on those is recorded as `pretext/heldout_top1`
   * (the learning curve; chance is 1 / permutations, or 1/4). 0: every image trains and nothing is measured.
   */
  heldOutImages: z.number().int().min(0).max(100_000).default(0),
  /** Images trained between two held-out measurements; 0: once per epoch. */
  heldOutEvery: z.number().int().min(0).default(0),
});

/**
 * Pseudo-labels made elsewhere (`clustering.source: 'file'`), matched to the pseudo-label dataset's images by
 * their path relative to the dataset folder. Images the file does not label are counted and left out.
 */
export const labelsFileSchema = z.object({
  /** CSV `path,label`, JSON lines (`{"path": …, "label": …}`, or a run's `labels.ktpl`), or an int32 `.npy`. */
  path: z.string().trim().min(1, 'a labels file path is required'),
  /** `auto`: by the file's extension (.csv, .jsonl / .ktpl / .json, .npy). */
  format: z.enum(['auto', 'csv', 'jsonl', 'npy']).default('auto'),
  /** `.npy` only: a text file naming the images in the array's order, one relative path a line. */
  imageList: z.string().trim().min(1).optional(),
});
export type LabelsFileRef = z.infer<typeof labelsFileSchema>;

const clusteringFields = z.object({
  /** What produces the features that are clustered, or `file`: pseudo-labels read from `labelsFile` (no k-means). */
  source: z.enum(['pretext', 'hog', 'random-network', 'file']).default('pretext'),
  labelsFile: labelsFileSchema.optional(),
  layer: z.string().default('conv4'),
  /** Max-pool grid of the tapped layer (the paper: 5x5 for AlexNet conv4). */
  grid: z.tuple([z.number().int().min(1), z.number().int().min(1)]).default([3, 3]),
  k: z.number().int().min(2).max(100_000).default(500),
  iterations: z.number().int().min(1).max(500).default(20),
  /** PCA-whitening to this many dimensions before L2 normalisation; 0 keeps the raw features. */
  pcaDims: z.number().int().min(0).max(8192).default(0),
  maxPointsPerCentroid: z.number().int().min(0).default(256),
  /**
   * Split k-means into shards of this many feature rows that any worker may execute (scale-out); 0 clusters in
   * one process. The shard plan depends only on this number, so any count of workers gives the same centroids.
   */
  shardRows: z.number().int().min(0).default(0),
  /** Cluster on another dataset than the pretext's (Table 2); defaults to the training data. */
  data: datasetRefSchema.optional(),
});

function checkLabelsFile(clustering: { source: string; labelsFile?: unknown }, ctx: z.RefinementCtx): void {
  if (clustering.source === 'file' && !clustering.labelsFile) ctx.addIssue({ code: 'custom', path: ['labelsFile'], message: 'required when clustering.source is "file"' });
  if (clustering.source !== 'file' && clustering.labelsFile) ctx.addIssue({ code: 'custom', path: ['labelsFile'], message: 'only read when clustering.source is "file"' });
}

export const clusteringSchema = clusteringFields.superRefine(checkLabelsFile);

export const pseudoLabelsSchema = z.object({
  /** Assign pseudo-labels on another dataset than the clustering's (Table 2). */
  data: datasetRefSchema.optional(),
});

/**
 * Training-time augmentation of labelled images (the target net, nonlinear and finetune): a left-right mirror with
 * probability ½ and a shift of up to `shift` × the side each way, zero-filled (CIFAR's pad-4-and-crop at 32 px is
 * 0.125). Absent: images are used as they are.
 */
export const trainingAugmentSchema = z.object({
  flip: z.boolean().default(true),
  shift: z.number().min(0).max(0.5).default(0.125),
});
export type TrainingAugment = z.infer<typeof trainingAugmentSchema>;

export const targetSchema = z.object({
  arch: archSchema.default('alexnet'),
  /** How the target net learns from the source: predict cluster ids, regress teacher activations, or labels. */
  objective: z.enum(['cluster-classification', 'regression', 'supervised', 'none']).default('cluster-classification'),
  widthMultiplier: z.number().positive().max(4).default(1),
  epochs: z.number().positive().max(1000).default(30),
  batchSize: z.number().int().min(1).max(4096).default(128),
  learningRate: z.number().positive().max(10).default(0.01),
  classBalanced: z.boolean().default(true),
  augment: trainingAugmentSchema.optional(),
});

export const convLayerSchema = z.enum(['conv1', 'conv2', 'conv3', 'conv4', 'conv5']);

export const evaluationSchema = z.object({
  protocols: z.array(evalProtocolSchema).min(1).default(['linear', 'knn']),
  layers: z.array(convLayerSchema).min(1).default(['conv1', 'conv2', 'conv3', 'conv4', 'conv5']),
  epochs: z.number().positive().max(1000).default(10),
  /** kNN: neighbours that vote (cosine similarity on L2-normalised frozen features). */
  knnNeighbours: z.number().int().min(1).max(200).default(20),
  /**
   * nonlinear (the paper's Table 6): for each of these layers, conv1…convk transferred and frozen, the layers
   * after it re-initialised and trained. Defaults to `layers`.
   */
  nonlinearLayers: z.array(convLayerSchema).min(1).optional(),
  /** nonlinear and finetune: epochs of SGD (momentum 0.9, cosine schedule) on the evaluation training images. */
  trainEpochs: z.number().positive().max(1000).default(10),
  /** nonlinear and finetune: batch size. */
  batchSize: z.number().int().min(1).max(4096).default(64),
  /** nonlinear and finetune: initial learning rate. */
  learningRate: z.number().positive().max(10).default(0.01),
  /**
   * nonlinear and finetune train on at most this many of the evaluation training images (the first N of a
   * seeded shuffle; quick runs). Linear probes and kNN always use them all; every protocol scores the full test set.
   */
  trainLimit: z.number().int().positive().optional(),
  /** nonlinear and finetune: augmentation of their training images (see `trainingAugmentSchema`). */
  augment: trainingAugmentSchema.optional(),
  /** detection and segmentation: their scenes (made from the evaluation images, `trainLimit` included) and training. */
  dense: denseEvaluationSchema.optional(),
  /**
   * Labelled data for the evaluation heads: train on `train`, report on `test`. Defaults: `train` is the run's
   * training data (it must then have labels), `test` a seeded 20% of it held out from `train`.
   */
  train: datasetRefSchema.optional(),
  test: datasetRefSchema.optional(),
});

export const pipelineConfigSchema = z.object({
  kind: z.literal('pipeline'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  /** Working image size: every image is resized to size x size. */
  imageSize: z.number().int().min(16).max(512).default(32),
  /** The unlabelled training images (pretext, clustering, pseudo-labels). */
  data: datasetRefSchema,
  pretext: pretextSchema.prefault({}),
  clustering: clusteringSchema.prefault({}),
  pseudoLabels: pseudoLabelsSchema.prefault({}),
  target: targetSchema.prefault({}),
  evaluation: evaluationSchema.prefault({}),
  /** What the worker that runs it must offer (GPU, memory); absent: any worker. */
  requirements: requirementsSchema.optional(),
});

/**
 * A short synthetic TensorFlow.js training job: checks a worker end to end (claim, train, stream metrics)
 * in seconds, with no dataset.
 */
export const smokeConfigSchema = z.object({
  kind: z.literal('smoke'),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
  steps: z.number().int().min(1).max(100_000).default(60),
  batchSize: z.number().int().min(1).max(4096).default(32),
  learningRate: z.number().positive().max(10).default(0.05),
  /** Sleep between steps, so a person can watch the chart grow. */
  stepDelayMs: z.number().int().min(0).max(60_000).default(50),
  requirements: requirementsSchema.optional(),
});

/**
 * Reads a config as stored (runs, run folders): keys the schema does not know are dropped, so a config written
 * before a field was removed still reads.
 */
export const runConfigSchema = z.discriminatedUnion('kind', [pipelineConfigSchema, smokeConfigSchema]);

/*
 * The same schemas, refusing keys they do not know, for configs a person or a tool hands in (API, launch form,
 * CLI, study): a misspelled field is an error at that field instead of being ignored. Built from the reading
 * schemas so the two cannot drift; run-config.test.ts checks they accept the same configs.
 */
const strictDatasetRefSchema = datasetRefSchema.strict();

export const pipelineConfigInputSchema = pipelineConfigSchema
  .extend({
    data: strictDatasetRefSchema,
    pretext: pretextSchema.extend({ permutationCurriculum: permutationCurriculumSchema.strict().optional() }).strict().prefault({}),
    clustering: clusteringFields
      .extend({ data: strictDatasetRefSchema.optional(), labelsFile: labelsFileSchema.strict().optional() })
      .strict()
      .superRefine(checkLabelsFile)
      .prefault({}),
    pseudoLabels: pseudoLabelsSchema.extend({ data: strictDatasetRefSchema.optional() }).strict().prefault({}),
    target: targetSchema.extend({ augment: trainingAugmentSchema.strict().optional() }).strict().prefault({}),
    evaluation: evaluationSchema
      .extend({
        train: strictDatasetRefSchema.optional(),
        test: strictDatasetRefSchema.optional(),
        dense: denseEvaluationSchema.strict().optional(),
        augment: trainingAugmentSchema.strict().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const curriculum = config.pretext.permutationCurriculum;
    if (curriculum && curriculum.permutations >= config.pretext.permutations) {
      ctx.addIssue({
        code: 'custom',
        path: ['pretext', 'permutationCurriculum', 'permutations'],
        message: `must be smaller than pretext.permutations (${config.pretext.permutations}): the curriculum starts on a subset of the set`,
      });
    }
    if (config.clustering.source === 'file' && config.target.objective === 'regression') {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'objective'],
        message: '"regression" distils a teacher\'s features, and clustering.source "file" gives pseudo-labels only: use "cluster-classification", or a pretext / hog / random-network source',
      });
    }
  });

export const smokeConfigInputSchema = smokeConfigSchema.strict();

/** A config handed in (API input, launch form, CLI): unknown keys are field errors. */
export const runConfigInputSchema = z.discriminatedUnion('kind', [pipelineConfigInputSchema, smokeConfigInputSchema]);

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type SmokeConfig = z.infer<typeof smokeConfigSchema>;
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

export interface FieldError {
  /** Dotted path of the offending field, e.g. `clustering.k`. */
  path: string;
  message: string;
}

/**
 * Field-level messages of a zod error (any input, not only configs): an unknown key becomes an error at that key
 * (`clustering.kk: unknown field "kk"`) rather than at the object holding it.
 */
export function fieldErrorsOf(error: z.ZodError, emptyPath = '(config)'): FieldError[] {
  return error.issues.flatMap((issue) => {
    const at = (path: readonly PropertyKey[]) => path.map(String).join('.') || emptyPath;
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at([...issue.path, key]), message: `unknown field "${key}"` }));
    return [{ path: at(issue.path), message: issue.message }];
  });
}

/** Field-level messages for an invalid config, for forms and API errors. */
export function configFieldErrors(error: z.ZodError): FieldError[] {
  return fieldErrorsOf(error);
}

export type ParseResult = { ok: true; config: RunConfig } | { ok: false; errors: FieldError[] };

/** Parses a config handed in: unknown keys are errors (see runConfigInputSchema). */
export function parseRunConfig(input: unknown): ParseResult {
  const result = runConfigInputSchema.safeParse(input);
  return result.success ? { ok: true, config: result.data } : { ok: false, errors: configFieldErrors(result.error) };
}
