import * as tf from '@tensorflow/tfjs';

/**
 * Models nested inside `model` as layers (directly, or wrapped by TimeDistributed as in the Jigsaw net),
 * depth first, `model` itself first.
 */
export function modelsWithin(model: tf.LayersModel): tf.LayersModel[] {
  const found: tf.LayersModel[] = [model];
  for (const layer of model.layers) {
    const inner = unwrap(layer);
    if (inner instanceof tf.LayersModel) found.push(...modelsWithin(inner));
  }
  return found;
}

/** Every non-model layer of `model` and the models nested in it. */
export function leafLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return modelsWithin(model).flatMap((m) => m.layers.filter((layer) => !(unwrap(layer) instanceof tf.LayersModel)));
}

/** A layer by exact name anywhere inside `model` (nested models included), or undefined. */
export function findLayerDeep(model: tf.LayersModel, name: string): tf.layers.Layer | undefined {
  return leafLayers(model).find((layer) => layer.name === name);
}

function unwrap(layer: tf.layers.Layer): tf.layers.Layer {
  // TimeDistributed/Bidirectional keep the wrapped layer in `.layer`; the public typings do not expose it.
  const inner = (layer as unknown as { layer?: tf.layers.Layer }).layer;
  return inner ?? layer;
}
