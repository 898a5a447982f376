/**
 * The settings of the detection and segmentation protocols for a run: `evaluation.dense` with its defaults, the
 * epochs and learning rate falling back to the trained protocols' (`evaluation.trainEpochs`, `learningRate`).
 */
import { DENSE_EVAL_MODES, DENSE_MODE_LAYER, denseEvaluationSchema, type DenseEvalMode, type DenseEvaluation, type PipelineConfig } from '@ktlab/config';

export interface DenseSettings extends Omit<DenseEvaluation, 'epochs' | 'learningRate'> {
  epochs: number;
  learningRate: number;
  batchSize: number;
}

export function denseSettings(evaluation: PipelineConfig['evaluation']): DenseSettings {
  const dense = denseEvaluationSchema.parse(evaluation.dense ?? {});
  return {
    ...dense,
    epochs: dense.epochs ?? evaluation.trainEpochs,
    learningRate: dense.learningRate ?? evaluation.learningRate,
    batchSize: evaluation.batchSize,
  };
}

/** The result rows' layers of the configured modes (`frozen`, `all`), in the modes' fixed order. */
export function denseLayers(evaluation: PipelineConfig['evaluation']): string[] {
  const { modes } = denseSettings(evaluation);
  return DENSE_EVAL_MODES.filter((mode) => modes.includes(mode)).map((mode) => DENSE_MODE_LAYER[mode]);
}

/** The mode a result row's layer stands for. */
export function denseModeOfLayer(layer: string): DenseEvalMode {
  const mode = DENSE_EVAL_MODES.find((m) => DENSE_MODE_LAYER[m] === layer);
  if (!mode) throw new Error(`dense evaluation: layer '${layer}' is none of ${DENSE_EVAL_MODES.map((m) => `'${DENSE_MODE_LAYER[m]}' (${m})`).join(', ')}`);
  return mode;
}
