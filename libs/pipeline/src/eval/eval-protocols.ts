/**
 * The evaluation protocol registry: one implementation per protocol the config schema accepts, on top of its
 * description in @ktlab/config (`EVAL_PROTOCOL_INFO`: frozen features or trained, which layers, its table).
 * The evaluate stage looks protocols up here; a protocol named in the schema without an entry does not compile.
 */
import type * as tf from '@tensorflow/tfjs';
import { EVAL_PROTOCOL_INFO, type EvalProtocolInfo, type EvalProtocolName, type PipelineConfig } from '@ktlab/config';
import type { ImageDataset } from '@ktlab/data';
import type { PipelineContext } from '../context';
import { denseLayers } from './dense/dense-settings';
import { DETECTION, SEGMENTATION } from './dense/dense-tasks';
import { denseTransfer } from './dense/dense-transfer';
import { FINETUNE_LAYER, finetuneAccuracy } from './finetune';
import { knnAccuracy } from './knn';
import { linearProbe, type ProbeData } from './linear-probe';
import { nonlinearAccuracy } from './nonlinear';
import type { TrainAndScoreOptions } from './train-and-score';

export interface FrozenFeaturesProtocol extends EvalProtocolInfo {
  name: EvalProtocolName;
  kind: 'frozen-features';
  /** What the progress message says it does on `dims`-dimensional features. */
  describe(dims: number): string;
  /** Top-1 on the test features of a classifier fitted to the training features of one layer. */
  score(context: PipelineContext, layer: string, train: ProbeData, test: ProbeData, numClasses: number): Promise<number>;
}

export interface TrainedProtocol extends EvalProtocolInfo {
  name: EvalProtocolName;
  kind: 'trained';
  /**
   * Trains (part of) the evaluated net again for `layer` and returns its scores on the test images, one per
   * metric of its description (`EVAL_PROTOCOL_INFO[name].metrics`: top-1 of a classifier, mAP, mean IoU).
   */
  train(
    context: PipelineContext,
    evaluated: tf.LayersModel,
    layer: string,
    data: { train: ImageDataset; test: ImageDataset; numClasses: number },
    run: Pick<TrainAndScoreOptions, 'checkpointDir' | 'progress'>,
  ): Promise<Record<string, number>>;
}

export type EvalProtocol = FrozenFeaturesProtocol | TrainedProtocol;

/** Joins an implementation to its description, refusing one whose kind contradicts it. */
function protocol<P extends EvalProtocol>(implementation: Omit<P, keyof EvalProtocolInfo> & { kind: P['kind'] }): P {
  const info = EVAL_PROTOCOL_INFO[implementation.name];
  if (info.kind !== implementation.kind) throw new Error(`eval protocol ${implementation.name}: implemented as ${implementation.kind}, described as ${info.kind}`);
  return { ...info, ...implementation } as P;
}

export const EVAL_PROTOCOL_REGISTRY: Readonly<Record<EvalProtocolName, EvalProtocol>> = {
  linear: protocol<FrozenFeaturesProtocol>({
    name: 'linear',
    kind: 'frozen-features',
    describe: (dims) => `linear probe on ${dims} dims`,
    score: (context, layer, train, test, numClasses) =>
      linearProbe(train, test, {
        numClasses,
        epochs: context.config.evaluation.epochs,
        seed: context.config.seed,
        signal: context.signal,
        onEpoch: (epoch, loss) => void context.metric(`eval/linear/${layer}/loss`, epoch, loss),
      }),
  }),
  knn: protocol<FrozenFeaturesProtocol>({
    name: 'knn',
    kind: 'frozen-features',
    describe: (dims) => `kNN on ${dims} dims`,
    score: (context, _layer, train, test, numClasses) => knnAccuracy(train, test, { k: context.config.evaluation.knnNeighbours, numClasses }),
  }),
  nonlinear: protocol<TrainedProtocol>({
    name: 'nonlinear',
    kind: 'trained',
    train: async (context, evaluated, layer, data, run) => ({ top1: await nonlinearAccuracy(context, evaluated, layer, data, run) }),
  }),
  finetune: protocol<TrainedProtocol>({
    name: 'finetune',
    kind: 'trained',
    train: async (context, evaluated, _layer, data, run) => ({ top1: await finetuneAccuracy(context, evaluated, data, run) }),
  }),
  detection: protocol<TrainedProtocol>({
    name: 'detection',
    kind: 'trained',
    train: (context, evaluated, layer, data, run) => denseTransfer(context, DETECTION, evaluated, layer, data, run),
  }),
  segmentation: protocol<TrainedProtocol>({
    name: 'segmentation',
    kind: 'trained',
    train: (context, evaluated, layer, data, run) => denseTransfer(context, SEGMENTATION, evaluated, layer, data, run),
  }),
};

export function evalProtocol(name: EvalProtocolName): EvalProtocol {
  const found = EVAL_PROTOCOL_REGISTRY[name];
  // Configs are schema-checked before they get here; a stored config from another version may still name anything.
  if (!found) throw new Error(`evaluation.protocols: unknown protocol "${String(name)}"; known: ${Object.keys(EVAL_PROTOCOL_REGISTRY).join(', ')}`);
  return found;
}

/** The protocol `name`, which must be of `kind` (the evaluate stage runs each kind its own way). */
export function protocolOfKind<K extends EvalProtocol['kind']>(name: EvalProtocolName, kind: K): Extract<EvalProtocol, { kind: K }> {
  const found = evalProtocol(name);
  if (found.kind !== kind) throw new Error(`eval protocol ${name} is a ${found.kind} protocol, not ${kind}`);
  return found as Extract<EvalProtocol, { kind: K }>;
}

/** The layers a protocol reports for a run's evaluation settings (whole-net protocols: one row, `all`). */
export function protocolLayers(name: EvalProtocolName, evaluation: PipelineConfig['evaluation']): string[] {
  switch (EVAL_PROTOCOL_INFO[name].layers) {
    case 'evaluation.layers':
      return [...evaluation.layers];
    case 'evaluation.nonlinearLayers':
      return [...(evaluation.nonlinearLayers ?? evaluation.layers)];
    case 'whole-net':
      return [FINETUNE_LAYER];
    case 'evaluation.dense.modes':
      return denseLayers(evaluation);
  }
}
