import * as tf from '@tensorflow/tfjs';
import { modelsWithin } from './nested-models.js';
import { nodeIndexWithin } from './node-index.js';

/**
 * The layer whose output "features at `tap`" means, and the (possibly nested) model whose input feeds it.
 * Resolution, first match wins:
 *  1. `<tap>_relu` — a conv block's output (after batch norm and ReLU), e.g. `conv4` → `conv4_relu`;
 *  2. a layer named exactly `tap`, e.g. `pool5`, `fc7`, `conv4_relu`, `conv4_bn`;
 *  3. a VGG stage, `conv<k>` → the last `conv<k>_<i>_relu`.
 * Nested models (the Jigsaw trunk) are searched after the outer model, so `conv4` on a Jigsaw net finds the
 * shared trunk's conv4 (whose input is one tile).
 */
export function resolveTap(model: tf.LayersModel, tap: string): { model: tf.LayersModel; layer: tf.layers.Layer } {
  for (const candidate of modelsWithin(model)) {
    const layer = resolveTapIn(candidate, tap);
    if (layer) return { model: candidate, layer };
  }
  const names = modelsWithin(model).flatMap((m) => m.layers.map((l) => l.name));
  throw new Error(`model '${model.name}' has no layer or conv block '${tap}'; layers: ${names.join(', ')}`);
}

function resolveTapIn(model: tf.LayersModel, tap: string): tf.layers.Layer | undefined {
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  const direct = byName.get(`${tap}_relu`) ?? byName.get(tap);
  if (direct) return direct;
  const stage = /^conv(\d+)$/.exec(tap);
  if (!stage) return undefined;
  // Block outputs are `conv<k>_<i>_relu`, or `conv<k>_<i>` itself once batch norm is folded into it.
  for (const pattern of [new RegExp(`^conv${stage[1]}_(\\d+)_relu$`), new RegExp(`^conv${stage[1]}_(\\d+)$`)]) {
    let last: { layer: tf.layers.Layer; index: number } | undefined;
    for (const layer of model.layers) {
      const index = Number(pattern.exec(layer.name)?.[1] ?? Number.NaN);
      if (!Number.isNaN(index) && (!last || index > last.index)) last = { layer, index };
    }
    if (last) return last.layer;
  }
  return undefined;
}

/** A model from the (nested) input that feeds `tap` to the tap's output; it shares weights with `model`. */
export function tapModel(model: tf.LayersModel, tap: string): tf.LayersModel {
  const resolved = resolveTap(model, tap);
  const output = resolved.layer.getOutputAt(nodeIndexWithin(resolved.model, resolved.layer)) as tf.SymbolicTensor;
  return tf.model({ name: `${resolved.model.name}_to_${tap}`, inputs: resolved.model.inputs, outputs: output });
}
