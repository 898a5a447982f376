import * as tf from '@tensorflow/tfjs';
import { nodeIndexWithin } from './node-index.js';
import { resolveTap, tapModel } from './tap-model.js';

export interface SplitModel {
  /** Input → the tap's output (e.g. conv1 … conv3). */
  lower: tf.LayersModel;
  /** The tap's output → the model's output (e.g. conv4 … fc8 → softmax). */
  upper: tf.LayersModel;
}

/**
 * Splits a chain-shaped model (every ktlab classifier) after `tap` into two models that share the original
 * layers and weights, with upper(lower(x)) = model(x). For "layers up to k frozen" evaluations (the paper's
 * Table 6): run `lower.predict` (inference mode, so frozen batch-norm statistics stay put — tfjs's batch norm
 * ignores `trainable`) and train only `upper`.
 */
export function splitAt(model: tf.LayersModel, tap: string): SplitModel {
  const resolved = resolveTap(model, tap);
  if (resolved.model !== model) throw new Error(`splitAt: '${tap}' is inside a nested model of '${model.name}'; split that model instead`);
  const lower = tapModel(model, tap);
  const finalOutput = model.outputs[0];

  const input = tf.input({ name: `${resolved.layer.name}_features`, shape: lower.outputs[0].shape.slice(1) as number[] });
  let current = resolved.layer.getOutputAt(nodeIndexWithin(model, resolved.layer)) as tf.SymbolicTensor;
  let x: tf.SymbolicTensor = input;
  while (current !== finalOutput) {
    const next = model.layers.find((layer) => {
      if (layer.getClassName() === 'InputLayer') return false;
      try {
        return layer.getInputAt(nodeIndexWithin(model, layer)) === current;
      } catch {
        return false;
      }
    });
    if (!next) throw new Error(`splitAt: '${model.name}' is not a chain after '${tap}' (nothing consumes '${current.name}' alone)`);
    x = next.apply(x) as tf.SymbolicTensor;
    current = next.getOutputAt(nodeIndexWithin(model, next)) as tf.SymbolicTensor;
  }
  return { lower, upper: tf.model({ name: `${model.name}_after_${tap}`, inputs: input, outputs: x }) };
}
