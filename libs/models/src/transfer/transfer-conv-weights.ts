import * as tf from '@tensorflow/tfjs';
import { findLayerDeep, leafLayers } from '../layers/nested-models.js';

export interface TransferredLayer {
  /** Layer name, the same in both models. */
  layer: string;
  /** Weight shapes copied, in the layer's weight order. */
  shapes: number[][];
}

/**
 * Copies the weights of conv blocks from `from` to `to` by layer name, as the paper transfers a pretext net's
 * convs into the target net; everything else in `to` (the fc layers) keeps its fresh initialisation.
 * A block `conv3` means the layers `conv3` and, where present, `conv3_bn` (its batch-norm scale, shift and
 * moving statistics). Nested models are searched, so `from` may be a Jigsaw net.
 *
 * @param blocks the block names; by default every Conv2D layer of `to`.
 * @throws if a block is missing on either side, or a weight's shape differs (e.g. conv1 built with a different
 *   kernel or width multiplier), before anything is copied.
 */
export function transferConvWeights(from: tf.LayersModel, to: tf.LayersModel, blocks?: readonly string[]): TransferredLayer[] {
  const names = (blocks ?? convLayerNames(to)).flatMap((block) => {
    const bn = `${block}_bn`;
    return findLayerDeep(to, bn) || findLayerDeep(from, bn) ? [block, bn] : [block];
  });
  const plan = names.map((name) => {
    const source = findLayerDeep(from, name);
    const target = findLayerDeep(to, name);
    if (!source) throw new Error(`transferConvWeights: source model '${from.name}' has no layer '${name}'`);
    if (!target) throw new Error(`transferConvWeights: target model '${to.name}' has no layer '${name}'`);
    const values = source.getWeights();
    const targetWeights = target.weights;
    if (values.length !== targetWeights.length) {
      throw new Error(`transferConvWeights: layer '${name}' has ${values.length} weights in the source but ${targetWeights.length} in the target (batchNorm or useBias differ?)`);
    }
    values.forEach((value, i) => {
      const expected = targetWeights[i].shape as number[];
      if (!tf.util.arraysEqual(value.shape, expected)) {
        throw new Error(
          `transferConvWeights: ${targetWeights[i].originalName} has shape [${value.shape}] in the source but [${expected}] in the target; ` +
            'build both nets with the same arch, widthMultiplier, channels and conv1Kernel',
        );
      }
    });
    return { target, values, name };
  });
  return plan.map(({ target, values, name }) => {
    target.setWeights(values);
    return { layer: name, shapes: values.map((value) => value.shape) };
  });
}

/** Names of every Conv2D layer in `model` (nested models included), in layer order. */
export function convLayerNames(model: tf.LayersModel): string[] {
  return leafLayers(model)
    .filter((layer) => layer.getClassName() === 'Conv2D')
    .map((layer) => layer.name);
}
