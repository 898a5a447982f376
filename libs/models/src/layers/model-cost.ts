import * as tf from '@tensorflow/tfjs';
import { leafLayers } from './nested-models.js';

export interface ModelCost {
  /** All weights, trainable or not. */
  params: number;
  /** Multiply-accumulates of the conv and dense layers for ONE input (a Jigsaw net's trunk counted once per tile). */
  macsPerInput: number;
}

/**
 * Parameter count and forward cost of a model, for choosing widths and estimating run times (training costs
 * roughly 3× the forward MACs). Pooling, batch norm and activations are ignored: they are a few percent.
 */
export function modelCost(model: tf.LayersModel): ModelCost {
  let macsPerInput = 0;
  for (const layer of leafLayers(model)) {
    const className = layer.getClassName();
    if (className !== 'Conv2D' && className !== 'Dense') continue;
    const kernel = layer.weights[0].shape as number[];
    const output = (layer.getOutputAt(0) as tf.SymbolicTensor).shape.slice(1) as number[];
    // Every output position (all axes but the last) costs one kernel's worth of MACs.
    const positions = output.slice(0, -1).reduce((a, b) => a * b, 1);
    const kernelMacs = kernel.reduce((a, b) => a * b, 1);
    macsPerInput += positions * kernelMacs * timesApplied(model, layer);
  }
  return { params: model.countParams(), macsPerInput };
}

/** How many times per input a layer runs: once, or once per tile when inside a TimeDistributed trunk. */
function timesApplied(model: tf.LayersModel, layer: tf.layers.Layer): number {
  for (const outer of model.layers) {
    const inner = (outer as unknown as { layer?: unknown }).layer;
    if (inner instanceof tf.LayersModel && leafLayers(inner).includes(layer)) {
      const steps = (outer.getInputAt(0) as tf.SymbolicTensor).shape[1] as number;
      return steps * timesApplied(inner, layer);
    }
  }
  return 1;
}
