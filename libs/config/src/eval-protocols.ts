/**
 * The evaluation protocols a run may name, described for everyone who shows or checks them (config schema, API,
 * portal, study report) without TensorFlow.js: what each trains, at which layers it reports, and the paper's
 * table it fills. libs/pipeline's evaluation registry implements each, typed against this list.
 */
import { z } from 'zod';

export const EVAL_PROTOCOLS = ['linear', 'nonlinear', 'finetune', 'knn'] as const;
export const evalProtocolSchema = z.enum(EVAL_PROTOCOLS);
export type EvalProtocolName = z.infer<typeof evalProtocolSchema>;

export interface EvalProtocolInfo {
  /**
   * `frozen-features`: scored on the frozen net's features at each of `evaluation.layers` (one forward pass serves
   * every layer); `trained`: trains part or all of the net again per reported layer.
   */
  kind: 'frozen-features' | 'trained';
  /** Which layers it reports: every `evaluation.layers` entry, `evaluation.nonlinearLayers`, or the whole net. */
  layers: 'evaluation.layers' | 'evaluation.nonlinearLayers' | 'whole-net';
  /** The benchmark table it fills (the paper's table where there is one). */
  table: { id: string; title: string; caption: string };
}

export const EVAL_PROTOCOL_INFO: Readonly<Record<EvalProtocolName, EvalProtocolInfo>> = {
  linear: {
    kind: 'frozen-features',
    layers: 'evaluation.layers',
    table: { id: 'table4-linear', title: 'Table 4 analog — linear probe per conv layer', caption: 'Top-1 test accuracy (%) of a linear classifier on each frozen conv layer of the AlexNet-style target.' },
  },
  nonlinear: {
    kind: 'trained',
    layers: 'evaluation.nonlinearLayers',
    table: { id: 'table6-nonlinear', title: 'Table 6 analog — nonlinear evaluation per layer', caption: 'Top-1 test accuracy (%) with conv1…layer transferred and frozen, the layers after it re-initialised and trained.' },
  },
  finetune: {
    kind: 'trained',
    layers: 'whole-net',
    table: { id: 'table3-finetune', title: 'Table 3 analog — fine-tuning', caption: 'Top-1 test accuracy (%) after fine-tuning the whole transferred network on the labelled training images.' },
  },
  knn: {
    kind: 'frozen-features',
    layers: 'evaluation.layers',
    table: { id: 'knn', title: 'kNN on frozen features', caption: 'Top-1 test accuracy (%) of a cosine kNN classifier on each frozen conv layer.' },
  },
};
