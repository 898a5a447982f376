import type * as tf from '@tensorflow/tfjs';

/**
 * Which of a layer's call sites (inbound nodes) belongs to `model`. A layer object shared by several models
 * (a trunk inside a classifier, a classifier split with splitAt) has one node per model it was applied in, and
 * only that model's node connects to the model's own inputs.
 */
export function nodeIndexWithin(model: tf.LayersModel, layer: tf.layers.Layer): number {
  // Container keeps `<layer name>_ib-<node index>` keys of its nodes; the typings keep the set private.
  const keys = (model as unknown as { containerNodes?: Set<string> }).containerNodes;
  const count = (layer as unknown as { inboundNodes: unknown[] }).inboundNodes.length;
  for (let i = 0; i < count; i++) if (keys?.has(`${layer.name}_ib-${i}`)) return i;
  throw new Error(`layer '${layer.name}' is not part of model '${model.name}'`);
}
