import * as tf from '@tensorflow/tfjs';
import { PROBABILITIES_LAYER } from '../architectures/build-classifier.js';

/**
 * The same network without its final softmax (shared weights), for numerically stable cross-entropy on logits.
 * Requires the model to end with the `probabilities` softmax layer, as every ktlab classifier does.
 */
export function logitsModel(model: tf.LayersModel): tf.LayersModel {
  const output = model.outputs[0];
  const last = output.sourceLayer;
  if (model.outputs.length !== 1 || last.name !== PROBABILITIES_LAYER) {
    throw new Error(`logitsModel: model '${model.name}' does not end with a '${PROBABILITIES_LAYER}' softmax layer (ends with '${last.name}')`);
  }
  return tf.model({ name: `${model.name}_logits`, inputs: model.inputs, outputs: last.getInputAt(output.nodeIndex) as tf.SymbolicTensor });
}
