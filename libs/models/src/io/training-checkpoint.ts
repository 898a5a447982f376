import * as tf from '@tensorflow/tfjs';
import type { SgdMomentum } from '../training/sgd-momentum.js';
import { DirectoryIOHandler } from './directory-io-handler.js';

const CHECKPOINT_JSON = 'checkpoint.json';
const OPTIMIZER_BIN = 'optimizer.bin';

export interface TrainingCheckpoint {
  model: tf.LayersModel;
  /** Momentum buffers by parameter name, for `SgdMomentum.setState` (empty if none were saved). Caller disposes. */
  optimizerState: tf.NamedTensorMap;
  /** Whatever the trainer recorded: epoch, step, sampler position, metrics… */
  meta: Record<string, unknown>;
}

interface CheckpointJson {
  format: 'ktlab-checkpoint';
  version: 1;
  meta: Record<string, unknown>;
  optimizer: tf.io.WeightsManifestEntry[];
}

/**
 * Saves a model with its optimizer's momentum buffers and trainer metadata as one unit: `model.json`,
 * `weights.bin`, `optimizer.bin`, `checkpoint.json`, all swapped into `dir` atomically, so a run killed at any
 * moment resumes from a consistent checkpoint (weights and momentum from the same step).
 */
export async function saveCheckpoint(
  dir: string,
  checkpoint: { model: tf.LayersModel; optimizer?: SgdMomentum; meta?: Record<string, unknown> },
): Promise<void> {
  const state = checkpoint.optimizer?.getState() ?? {};
  try {
    const { data, specs } = await tf.io.encodeWeights(state);
    const json: CheckpointJson = { format: 'ktlab-checkpoint', version: 1, meta: checkpoint.meta ?? {}, optimizer: specs };
    await checkpoint.model.save(
      new DirectoryIOHandler(dir, {
        [OPTIMIZER_BIN]: new Uint8Array(data),
        [CHECKPOINT_JSON]: new TextEncoder().encode(JSON.stringify(json, null, 2)),
      }),
    );
  } finally {
    tf.dispose(state);
  }
}

/** Loads what {@link saveCheckpoint} wrote; a plain saveModel directory loads with empty state and meta. */
export async function loadCheckpoint(dir: string): Promise<TrainingCheckpoint> {
  const handler = new DirectoryIOHandler(dir);
  const model = await tf.loadLayersModel(handler);
  const jsonBytes = await handler.readExtraFile(CHECKPOINT_JSON);
  if (!jsonBytes) return { model, optimizerState: {}, meta: {} };
  const json = JSON.parse(new TextDecoder().decode(jsonBytes)) as CheckpointJson;
  if (json.format !== 'ktlab-checkpoint' || json.version !== 1) throw new Error(`loadCheckpoint: ${dir}/${CHECKPOINT_JSON} is not a version 1 ktlab checkpoint`);
  const optimizerBytes = await handler.readExtraFile(OPTIMIZER_BIN);
  if (!optimizerBytes) throw new Error(`loadCheckpoint: ${dir}/${OPTIMIZER_BIN} is missing`);
  const buffer = optimizerBytes.buffer.slice(optimizerBytes.byteOffset, optimizerBytes.byteOffset + optimizerBytes.byteLength) as ArrayBuffer;
  return { model, optimizerState: tf.io.decodeWeights(buffer, json.optimizer), meta: json.meta };
}
