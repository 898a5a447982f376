import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { parseOptions } from '../parse-options.js';
import { SeededInitializers } from './seeded-initializers.js';

export const classifierHeadOptionsSchema = z.strictObject({
  numClasses: z.number().int().min(2),
  /** Hidden fc widths; two of them give the paper's fc6 → fc7 → fc8. The paper uses 4096, scaled down here. */
  hiddenUnits: z.array(z.number().int().min(1)).default([1024, 1024]),
  /** Dropout after each hidden fc while training (0 disables). */
  dropout: z.number().min(0).max(0.95).default(0.5),
  name: z.string().min(1).default('classifier'),
  /** Makes the fc layers' initial weights reproducible (the trunk has its own seed). */
  seed: z.number().int().min(0).max(2_000_000).optional(),
});
export type ClassifierHeadOptions = z.input<typeof classifierHeadOptionsSchema>;

/** Name of the softmax layer every classifier (and the Jigsaw net) ends with; the layer before it gives logits. */
export const PROBABILITIES_LAYER = 'probabilities';

/**
 * Puts fully connected layers on a trunk: flatten → fc6 → fc7 → … → fc<last> (logits) → softmax.
 * The result is one flat model whose layers ARE the trunk's layers (shared objects and weights), so
 * `model.getLayer('conv4')` works and the saved model has no nesting.
 */
export function buildClassifier(trunk: tf.LayersModel, head: ClassifierHeadOptions): tf.LayersModel {
  const options = parseOptions(classifierHeadOptionsSchema, head, 'buildClassifier head');
  if (trunk.outputs.length !== 1) throw new Error(`buildClassifier: trunk '${trunk.name}' must have exactly one output`);
  const logits = fullyConnectedHead(trunk.outputs[0], { ...options, firstFc: 6, init: new SeededInitializers(options.seed) });
  const probabilities = tf.layers.softmax({ name: PROBABILITIES_LAYER }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ name: options.name, inputs: trunk.inputs, outputs: probabilities });
}

interface FullyConnectedHeadSpec {
  numClasses: number;
  hiddenUnits: number[];
  dropout: number;
  /** Index of the first fc layer's name (fc6 in AlexNet numbering). */
  firstFc: number;
  init: SeededInitializers;
}

/** flatten → hidden fcs (ReLU, dropout) → a linear fc with `numClasses` outputs. Exported for the Jigsaw head. */
export function fullyConnectedHead(input: tf.SymbolicTensor, spec: FullyConnectedHeadSpec): tf.SymbolicTensor {
  let x = input.shape.length > 2 ? (tf.layers.flatten({ name: `fc${spec.firstFc}_flatten` }).apply(input) as tf.SymbolicTensor) : input;
  spec.hiddenUnits.forEach((units, i) => {
    const name = `fc${spec.firstFc + i}`;
    x = tf.layers.dense({ name, units, activation: 'relu', kernelInitializer: spec.init.heNormal() }).apply(x) as tf.SymbolicTensor;
    if (spec.dropout > 0) x = tf.layers.dropout({ name: `${name}_dropout`, rate: spec.dropout }).apply(x) as tf.SymbolicTensor;
  });
  const last = `fc${spec.firstFc + spec.hiddenUnits.length}`;
  return tf.layers.dense({ name: last, units: spec.numClasses, kernelInitializer: spec.init.glorotUniform() }).apply(x) as tf.SymbolicTensor;
}
