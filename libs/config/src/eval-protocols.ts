/**
 * The evaluation protocols a run may name, described for everyone who shows or checks them (config schema, API,
 * portal, study report) without TensorFlow.js: what each trains, at which layers it reports, which metrics, and the
 * paper's table it fills. libs/pipeline's evaluation registry implements each, typed against this list.
 */
import { z } from 'zod';

export const EVAL_PROTOCOLS = ['linear', 'nonlinear', 'finetune', 'knn', 'detection', 'segmentation'] as const;
export const evalProtocolSchema = z.enum(EVAL_PROTOCOLS);
export type EvalProtocolName = z.infer<typeof evalProtocolSchema>;

/**
 * One evaluation result: a protocol's metric at one layer on one test set, as the pipeline reports it, a run folder
 * keeps it (`results.json`), a study cell holds it, and the portal stores it (`evalResultRowSchema`).
 */
export const evalResultSchema = z.object({
  protocol: evalProtocolSchema,
  /** `conv1`…`conv5`, `all` (the whole net) or a dense mode's layer (`DENSE_MODE_LAYER`). */
  layer: z.string().min(1),
  /** How the results name the test set. */
  dataset: z.string().min(1),
  /** One of the protocol's `EVAL_PROTOCOL_INFO` metrics, e.g. `top1`. */
  metric: z.string().min(1),
  value: z.number(),
});
export type EvalResult = z.infer<typeof evalResultSchema>;

/** An evaluation result as the portal receives it (`worker.finish`, `runs.import`): the same row, within its columns' lengths. */
export const evalResultRowSchema = evalResultSchema.extend({
  layer: evalResultSchema.shape.layer.max(64),
  dataset: evalResultSchema.shape.dataset.max(200),
  metric: evalResultSchema.shape.metric.max(64),
});

/**
 * How the dense protocols (detection, segmentation) treat the transferred trunk: `frozen` trains only the head on
 * conv1…conv5 as transferred (their result rows have layer `frozen`), `finetune` trains trunk and head together
 * (layer `all`, as the finetune protocol's).
 */
export const DENSE_EVAL_MODES = ['frozen', 'finetune'] as const;
export type DenseEvalMode = (typeof DENSE_EVAL_MODES)[number];
/** The EvalResult layer of each dense mode. */
export const DENSE_MODE_LAYER: Readonly<Record<DenseEvalMode, string>> = { frozen: 'frozen', finetune: 'all' };

/**
 * `evaluation.dense`: the scenes the detection and segmentation protocols learn from and are scored on (made from
 * the evaluation images: objects pasted on backgrounds, see libs/scenes) and their training. Optional, so configs
 * that do not name it parse (and hash) as before; the defaults below apply when it is absent.
 */
export const denseEvaluationSchema = z.object({
  modes: z.array(z.enum(DENSE_EVAL_MODES)).min(1).default(['frozen', 'finetune']),
  /** Side of the square scenes in pixels; a multiple of 16 so that conv5 tiles it for both nets (AlexNet: stride 4, VGG: 16). */
  canvasSize: z.number().int().min(32).max(512).multipleOf(16, 'a multiple of 16 (conv5 must tile the scene)').default(96),
  /** Scenes made from the evaluation training images (2–4 objects each). */
  trainScenes: z.number().int().min(1).max(100_000).default(1000),
  /** Scenes made from the evaluation test images, on which mAP and mean IoU are computed. */
  testScenes: z.number().int().min(1).max(20_000).default(250),
  /** Epochs of SGD on the training scenes; default `evaluation.trainEpochs`. */
  epochs: z.number().positive().max(1000).optional(),
  /** Initial learning rate (cosine schedule); default `evaluation.learningRate`. */
  learningRate: z.number().positive().max(10).optional(),
});
export type DenseEvaluation = z.output<typeof denseEvaluationSchema>;

export interface EvalProtocolInfo {
  /**
   * `frozen-features`: scored on the frozen net's features at each of `evaluation.layers` (one forward pass serves
   * every layer); `trained`: trains part or all of the net again per reported layer.
   */
  kind: 'frozen-features' | 'trained';
  /**
   * Which layers it reports: every `evaluation.layers` entry, `evaluation.nonlinearLayers`, the whole net, or one
   * row per `evaluation.dense.modes` entry (`frozen`, `all`).
   */
  layers: 'evaluation.layers' | 'evaluation.nonlinearLayers' | 'whole-net' | 'evaluation.dense.modes';
  /** The metrics of each of its result rows, the headline first (`top1`: accuracy; `map50`, `map`: COCO mAP; `miou`: mean IoU), all fractions. */
  metrics: readonly string[];
  /** The benchmark table it fills (the paper's table where there is one). */
  table: { id: string; title: string; caption: string };
}

export const EVAL_PROTOCOL_INFO: Readonly<Record<EvalProtocolName, EvalProtocolInfo>> = {
  linear: {
    kind: 'frozen-features',
    layers: 'evaluation.layers',
    metrics: ['top1'],
    table: { id: 'table4-linear', title: 'Table 4 analog — linear probe per conv layer', caption: 'Top-1 test accuracy (%) of a linear classifier on each frozen conv layer of the AlexNet-style target.' },
  },
  nonlinear: {
    kind: 'trained',
    layers: 'evaluation.nonlinearLayers',
    metrics: ['top1'],
    table: { id: 'table6-nonlinear', title: 'Table 6 analog — nonlinear evaluation per layer', caption: 'Top-1 test accuracy (%) with conv1…layer transferred and frozen (its output standardised per feature, as for the linear probe), the layers after it re-initialised and trained.' },
  },
  finetune: {
    kind: 'trained',
    layers: 'whole-net',
    metrics: ['top1'],
    table: { id: 'table3-finetune', title: 'Table 3 analog — fine-tuning', caption: 'Top-1 test accuracy (%) after fine-tuning the whole transferred network on the labelled training images.' },
  },
  knn: {
    kind: 'frozen-features',
    layers: 'evaluation.layers',
    metrics: ['top1'],
    table: { id: 'knn', title: 'kNN on frozen features', caption: 'Top-1 test accuracy (%) of a cosine kNN classifier on each frozen conv layer.' },
  },
  detection: {
    kind: 'trained',
    layers: 'evaluation.dense.modes',
    metrics: ['map50', 'map'],
    table: {
      id: 'table3-detection',
      title: 'Table 3 analog — detection',
      caption: 'COCO mAP@0.5 (%) of a CenterNet-style head on the transferred conv5, on scenes of 2–4 test images pasted on backgrounds; `frozen`: conv1…conv5 frozen, `all`: fine-tuned with the head.',
    },
  },
  segmentation: {
    kind: 'trained',
    layers: 'evaluation.dense.modes',
    metrics: ['miou'],
    table: {
      id: 'table3-segmentation',
      title: 'Table 3 analog — segmentation',
      caption: 'Mean IoU (%, classes + background) of an FCN-32s-style head on the transferred conv5, on the same kind of scenes; `frozen`: conv1…conv5 frozen, `all`: fine-tuned with the head.',
    },
  },
};
