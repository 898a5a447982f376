import * as tf from '@tensorflow/tfjs';
// The light entry point: the package's index would register TensorFlow.js backends on import.
import { withRowIndependentKernels } from '@ktlab/tf-backend/kernel-engine';
import { z } from 'zod';
import { tapModel } from '../layers/tap-model.js';
import { parseOptions } from '../parse-options.js';
import { adaptiveMaxPoolRows } from './adaptive-max-pool-rows.js';
import { poolToMaxDims } from './pool-to-max-dims.js';
import { normalizationSchema, imagesToTensor, sliceImages, assertUint8Images, type Uint8Images } from './uint8-images.js';

/** One batch, or batches from any (async) iterator — e.g. a dataset reader that decodes as it goes. */
export type ImageSource = Uint8Images | Iterable<Uint8Images> | AsyncIterable<Uint8Images>;

export interface ExtractionProgress {
  done: number;
  /** Known when the source is one batch or `total` was given. */
  total?: number;
}

export const extractOptionsSchema = z.strictObject({
  /** Max-pool spatial activations to this [gh, gw] grid. */
  grid: z.tuple([z.number().int().min(1), z.number().int().min(1)]).optional(),
  /** Or pick the finest grid with gh·gw·C ≤ maxDims (linear probes, the paper's Table 4). */
  maxDims: z.number().int().min(1).optional(),
  /** Images per forward pass; bounds memory. */
  batchSize: z.number().int().min(1).default(64),
  normalize: normalizationSchema.default('unit'),
  /** Number of images the source will yield, for progress reports. */
  total: z.number().int().min(0).optional(),
  onProgress: z.custom<(progress: ExtractionProgress) => void>((v) => typeof v === 'function').optional(),
}).refine((o) => o.grid === undefined || o.maxDims === undefined, { message: 'give grid or maxDims, not both' });
export type ExtractFeaturesOptions = z.input<typeof extractOptionsSchema>;

/** What each feature row holds: for spatial layers the pooled gh×gw×C activations, row-major, channel fastest. */
export interface FeatureLayout {
  tap: string;
  /** The layer actually read, e.g. `conv4_relu` for tap `conv4`. */
  layer: string;
  /** The pooling grid, or null for a non-spatial (fc) layer. */
  grid: [number, number] | null;
  /** The layer's own [height, width, channels], or [units] for an fc layer. */
  layerShape: number[];
  dims: number;
}

export interface FeatureMatrix {
  /** rows × dims, row-major. */
  data: Float32Array;
  rows: number;
  dims: number;
  layout: FeatureLayout;
}

/** How a layer with activations of `outputShape` (no batch axis) becomes a feature row under `options`. */
export function featureLayout(tap: string, layer: string, outputShape: number[], options: Pick<ExtractFeaturesOptions, 'grid' | 'maxDims'>): FeatureLayout {
  if (outputShape.length === 3) {
    const [h, w, c] = outputShape;
    const grid = options.grid ?? (options.maxDims !== undefined ? poolToMaxDims([h, w, c], options.maxDims) : [h, w]);
    return { tap, layer, grid: [grid[0], grid[1]], layerShape: outputShape, dims: grid[0] * grid[1] * c };
  }
  if (outputShape.length === 1) return { tap, layer, grid: null, layerShape: outputShape, dims: outputShape[0] };
  throw new Error(`FeatureExtractor: layer '${layer}' has output shape [${outputShape}]; expected [h, w, c] or [units]`);
}

/**
 * Reads a named layer for batches of images and pools spatial activations to a fixed grid. Holds the tap
 * model; every call disposes its tensors, so memory stays bounded by one batch.
 */
export class FeatureExtractor {
  readonly layout: FeatureLayout;
  private readonly tapped: tf.LayersModel;
  private readonly inputShape: number[];

  constructor(model: tf.LayersModel, tap: string, private readonly options: z.output<typeof extractOptionsSchema>) {
    this.tapped = tapModel(model, tap);
    this.inputShape = this.tapped.inputs[0].shape.slice(1) as number[];
    const outputShape = this.tapped.outputs[0].shape.slice(1) as number[];
    this.layout = featureLayout(tap, this.tapped.outputs[0].sourceLayer.name, outputShape, options);
  }

  /**
   * Features of every image in `images`, computed `batchSize` at a time: count × dims floats.
   * `onBatch` hears how many of these images are done after each forward pass.
   */
  async extract(images: Uint8Images, onBatch?: (imagesDone: number) => void): Promise<Float32Array> {
    assertUint8Images(images);
    const [h, w, c] = this.inputShape;
    if (images.height !== h || images.width !== w || images.channels !== c) {
      throw new Error(`FeatureExtractor: the model takes ${h}×${w}×${c} images but got ${images.height}×${images.width}×${images.channels}; resize them first`);
    }
    const out = new Float32Array(images.count * this.layout.dims);
    const grid = this.layout.grid;
    for (let start = 0; start < images.count; start += this.options.batchSize) {
      const count = Math.min(this.options.batchSize, images.count - start);
      // predict's own batchSize defaults to 32 and would slice and re-concatenate every batch.
      const activations = withRowIndependentKernels(() =>
        tf.tidy(() => this.tapped.predict(imagesToTensor(sliceImages(images, start, count), this.options.normalize), { batchSize: count }) as tf.Tensor),
      );
      const values = await activations.data<'float32'>();
      if (grid) adaptiveMaxPoolRows(values, activations.shape as [number, number, number, number], grid, out, start * this.layout.dims);
      else out.set(values, start * this.layout.dims);
      activations.dispose();
      onBatch?.(start + count);
    }
    return out;
  }
}

export function featureExtractor(model: tf.LayersModel, tap: string, options: ExtractFeaturesOptions = {}): FeatureExtractor {
  return new FeatureExtractor(model, tap, parseOptions(extractOptionsSchema, options, 'extractFeatures'));
}

/**
 * Features at `tap` for every image of `source`, yielded per source batch; progress is reported after every
 * forward pass.
 * See {@link extractFeatures} and {@link extractFeaturesToFile} for the collected forms.
 */
export async function* extractFeatureBatches(
  model: tf.LayersModel,
  tap: string,
  source: ImageSource,
  options: ExtractFeaturesOptions = {},
): AsyncGenerator<{ features: Float32Array; count: number; layout: FeatureLayout }> {
  const extractor = featureExtractor(model, tap, options);
  const single = isUint8Images(source);
  const total = single ? source.count : options.total;
  let done = 0;
  for await (const batch of single ? [source] : source) {
    const features = await extractor.extract(batch, (imagesDone) => options.onProgress?.({ done: done + imagesDone, total }));
    done += batch.count;
    yield { features, count: batch.count, layout: extractor.layout };
  }
}

/** Features at `tap` for every image of `source`, pooled as asked, in one rows × dims matrix. */
export async function extractFeatures(
  model: tf.LayersModel,
  tap: string,
  source: ImageSource,
  options: ExtractFeaturesOptions = {},
): Promise<FeatureMatrix> {
  const parts: Float32Array[] = [];
  let rows = 0;
  let layout = featureExtractor(model, tap, options).layout;
  for await (const batch of extractFeatureBatches(model, tap, source, options)) {
    parts.push(batch.features);
    rows += batch.count;
    layout = batch.layout;
  }
  const data = parts.length === 1 ? parts[0] : new Float32Array(rows * layout.dims);
  if (parts.length !== 1) parts.reduce((offset, part) => (data.set(part, offset), offset + part.length), 0);
  return { data, rows, dims: layout.dims, layout };
}

function isUint8Images(source: ImageSource): source is Uint8Images {
  return (source as Uint8Images).data instanceof Uint8Array;
}
