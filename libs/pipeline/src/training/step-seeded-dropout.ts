/**
 * Makes dropout reproducible. tfjs's Dropout layer draws its mask with the layer's `seed` (unseeded by
 * default, so every process differs); giving each layer a seed derived from (run seed, step) before every
 * step keeps masks different from step to step yet identical when a resumed run replays that step.
 */
import type * as tf from '@tensorflow/tfjs';

function dropoutLayers(model: tf.LayersModel): { seed?: number }[] {
  const found: { seed?: number }[] = [];
  const visit = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      if (layer.getClassName() === 'Dropout') found.push(layer as unknown as { seed?: number });
      const inner = (layer as unknown as { layers?: tf.layers.Layer[]; layer?: tf.layers.Layer }).layers;
      if (Array.isArray(inner)) visit(inner);
      const wrapped = (layer as unknown as { layer?: tf.layers.Layer }).layer;
      if (wrapped) visit([wrapped]);
    }
  };
  visit(model.layers);
  return found;
}

export function seedDropoutForStep(model: tf.LayersModel, runSeed: number, step: number): void {
  dropoutLayers(model).forEach((layer, index) => {
    layer.seed = ((runSeed * 1_000_003 + step * 101 + index) >>> 0) % 2_147_483_647;
  });
}
