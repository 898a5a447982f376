import * as tf from '@tensorflow/tfjs';
// The light entry point: the package's index would register TensorFlow.js backends on import.
import { withRowIndependentKernels } from '@ktlab/tf-backend/kernel-engine';
import { nodeIndexWithin } from '../layers/node-index.js';
import { resolveTap } from '../layers/tap-model.js';
import { parseOptions } from '../parse-options.js';
import { adaptiveMaxPoolRows } from './adaptive-max-pool-rows.js';
import { extractOptionsSchema, featureLayout, type ExtractFeaturesOptions, type FeatureMatrix } from './extract-features.js';
import { assertUint8Images, imagesToTensor, sliceImages, type Uint8Images } from './uint8-images.js';

/**
 * Features at several taps from ONE forward pass per batch (a multi-output model over the shared layers), each
 * pooled exactly as {@link extractFeatures} pools it: the same rows as calling it once per tap, at a fraction
 * of the cost when the taps are the conv layers of one net (evaluation reads all five).
 *
 * @returns one matrix per tap, in the order of `taps`.
 */
export async function extractFeaturesAtTaps(
  model: tf.LayersModel,
  taps: readonly string[],
  images: Uint8Images,
  options: ExtractFeaturesOptions = {},
): Promise<Map<string, FeatureMatrix>> {
  const parsed = parseOptions(extractOptionsSchema, options, 'extractFeaturesAtTaps');
  if (taps.length === 0) throw new Error('extractFeaturesAtTaps: give at least one tap');
  assertUint8Images(images);
  const resolved = taps.map((tap) => ({ tap, ...resolveTap(model, tap) }));
  const owner = resolved[0].model;
  const stray = resolved.find((r) => r.model !== owner);
  if (stray) throw new Error(`extractFeaturesAtTaps: taps '${resolved[0].tap}' and '${stray.tap}' live in different (nested) models; extract them separately`);
  const outputs = resolved.map((r) => r.layer.getOutputAt(nodeIndexWithin(owner, r.layer)) as tf.SymbolicTensor);
  const tapped = tf.model({ name: `${owner.name}_to_${taps.join('_')}`, inputs: owner.inputs, outputs });
  const [h, w, c] = tapped.inputs[0].shape.slice(1) as number[];
  if (images.height !== h || images.width !== w || images.channels !== c) {
    throw new Error(`extractFeaturesAtTaps: the model takes ${h}×${w}×${c} images but got ${images.height}×${images.width}×${images.channels}; resize them first`);
  }
  const layouts = resolved.map((r, i) => featureLayout(r.tap, r.layer.name, outputs[i].shape.slice(1) as number[], parsed));
  const data = layouts.map((layout) => new Float32Array(images.count * layout.dims));
  for (let start = 0; start < images.count; start += parsed.batchSize) {
    const count = Math.min(parsed.batchSize, images.count - start);
    const predicted = withRowIndependentKernels(() => tf.tidy(() => tapped.predict(imagesToTensor(sliceImages(images, start, count), parsed.normalize), { batchSize: count })));
    const activations = Array.isArray(predicted) ? predicted : [predicted];
    try {
      for (const [i, layout] of layouts.entries()) {
        const values = await activations[i].data<'float32'>();
        if (layout.grid) adaptiveMaxPoolRows(values, activations[i].shape as [number, number, number, number], layout.grid, data[i], start * layout.dims);
        else data[i].set(values, start * layout.dims);
      }
    } finally {
      tf.dispose(activations);
    }
    parsed.onProgress?.({ done: start + count, total: images.count });
  }
  return new Map(layouts.map((layout, i) => [layout.tap, { data: data[i], rows: images.count, dims: layout.dims, layout }]));
}
