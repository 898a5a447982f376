/**
 * The clustering artifact: centroids + preprocessing in one versioned binary file, so a model fitted on one
 * dataset can label another (the paper's Table 2).
 *
 * Layout (all little-endian):
 *   bytes 0..7    magic "KTKMEANS"
 *   bytes 8..11   u32 format version (currently 1)
 *   bytes 12..15  u32 byte length M of the metadata
 *   bytes 16..    M bytes of UTF-8 JSON metadata (schema below), space-padded so the payload starts at a
 *                 multiple of 64
 *   payload       float32 arrays; metadata.arrays[name] = { offset (bytes from payload start), shape }
 * Arrays: "centroids" [k, dims]; with PCA also "pcaMean" [inputDims], "pcaProjection" [dims, inputDims],
 * "pcaEigenvalues" [dims].
 */
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { KMeansModel } from './model.js';

export const ARTIFACT_MAGIC = 'KTKMEANS';
export const ARTIFACT_VERSION = 1;
const PREFIX_BYTES = 16;

const arrayRefSchema = z.object({ offset: z.number().int().min(0), shape: z.array(z.number().int().min(0)) });

const metadataSchema = z.object({
  format: z.literal('ktlab.kmeans'),
  k: z.number().int().min(1),
  dims: z.number().int().min(1),
  preprocessing: z.object({
    inputDims: z.number().int().min(1),
    outputDims: z.number().int().min(1),
    l2Normalize: z.boolean(),
    pca: z.object({ whiten: z.boolean() }).optional(),
  }),
  training: z
    .object({
      datasetRows: z.number(),
      trainingRows: z.number(),
      iterations: z.number(),
      seed: z.number(),
      init: z.enum(['kmeans++', 'random', 'given']),
      finalInertia: z.number().nullable(),
      engine: z.string(),
      seconds: z.number(),
    })
    .optional(),
  arrays: z.record(z.string(), arrayRefSchema),
  createdAt: z.string(),
});

type Metadata = z.infer<typeof metadataSchema>;

export function encodeArtifact(model: KMeansModel): Uint8Array {
  const arrays: Array<[string, Float32Array, number[]]> = [['centroids', model.centroids, [model.k, model.dims]]];
  const { pca } = model.preprocessing;
  if (pca) {
    const { inputDims, outputDims } = model.preprocessing;
    arrays.push(['pcaMean', pca.mean, [inputDims]], ['pcaProjection', pca.projection, [outputDims, inputDims]], ['pcaEigenvalues', pca.eigenvalues, [outputDims]]);
  }
  const refs: Metadata['arrays'] = {};
  let payloadBytes = 0;
  for (const [name, data, shape] of arrays) {
    if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new RangeError(`artifact array ${name} does not match shape (${shape.join(', ')})`);
    refs[name] = { offset: payloadBytes, shape };
    payloadBytes += data.byteLength;
  }
  const training = model.training && { ...model.training, finalInertia: Number.isFinite(model.training.finalInertia) ? model.training.finalInertia : null };
  const metadata: Metadata = {
    format: 'ktlab.kmeans',
    k: model.k,
    dims: model.dims,
    preprocessing: {
      inputDims: model.preprocessing.inputDims,
      outputDims: model.preprocessing.outputDims,
      l2Normalize: model.preprocessing.l2Normalize,
      ...(pca ? { pca: { whiten: pca.whiten } } : {}),
    },
    ...(training ? { training } : {}),
    arrays: refs,
    createdAt: new Date().toISOString(),
  };
  const json = new TextEncoder().encode(JSON.stringify(metadata));
  const payloadStart = Math.ceil((PREFIX_BYTES + json.length) / 64) * 64;
  const out = new Uint8Array(payloadStart + payloadBytes);
  out.set(new TextEncoder().encode(ARTIFACT_MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, ARTIFACT_VERSION, true);
  const metadataLength = payloadStart - PREFIX_BYTES;
  view.setUint32(12, metadataLength, true);
  out.fill(0x20, PREFIX_BYTES, payloadStart);
  out.set(json, PREFIX_BYTES);
  for (const [name, data] of arrays) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), payloadStart + refs[name].offset);
  return out;
}

export function decodeArtifact(bytes: Uint8Array, source = 'k-means artifact'): KMeansModel {
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (bytes.length < PREFIX_BYTES || new TextDecoder().decode(bytes.subarray(0, 8)) !== ARTIFACT_MAGIC) fail(`not a ktlab k-means artifact (no ${ARTIFACT_MAGIC} magic)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== ARTIFACT_VERSION) fail(`format version ${version} is not supported (this build reads version ${ARTIFACT_VERSION})`);
  const metadataLength = view.getUint32(12, true);
  const payloadStart = PREFIX_BYTES + metadataLength;
  if (payloadStart > bytes.length) fail('truncated metadata');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, payloadStart)));
  } catch (error) {
    return fail(`metadata is not valid JSON (${(error as Error).message})`);
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success) return fail(`invalid metadata: ${z.prettifyError(parsed.error)}`);
  const metadata = parsed.data;
  const readArray = (name: string, shape: number[]): Float32Array => {
    const ref = metadata.arrays[name] ?? fail(`array "${name}" is missing`);
    if (ref.shape.join() !== shape.join()) fail(`array "${name}" has shape (${ref.shape.join(', ')}), expected (${shape.join(', ')})`);
    const count = shape.reduce((a, b) => a * b, 1);
    const start = payloadStart + ref.offset;
    if (start + count * 4 > bytes.length) fail(`array "${name}" runs past the end of the file`);
    // Uint8Array's slice copies; a Node Buffer's own slice is a view into a shared pool, so call the former.
    return new Float32Array(Uint8Array.prototype.slice.call(bytes, start, start + count * 4).buffer);
  };
  const { k, dims, preprocessing } = metadata;
  if (preprocessing.outputDims !== dims) fail(`preprocessing outputs ${preprocessing.outputDims} dims but centroids have ${dims}`);
  if (!preprocessing.pca && preprocessing.inputDims !== dims) fail('without PCA, input and centroid dims must match');
  const training = metadata.training && { ...metadata.training, finalInertia: metadata.training.finalInertia ?? Number.NaN };
  return {
    k,
    dims,
    centroids: readArray('centroids', [k, dims]),
    preprocessing: {
      inputDims: preprocessing.inputDims,
      outputDims: preprocessing.outputDims,
      l2Normalize: preprocessing.l2Normalize,
      ...(preprocessing.pca
        ? {
            pca: {
              whiten: preprocessing.pca.whiten,
              mean: readArray('pcaMean', [preprocessing.inputDims]),
              projection: readArray('pcaProjection', [dims, preprocessing.inputDims]),
              eigenvalues: readArray('pcaEigenvalues', [dims]),
            },
          }
        : {}),
    },
    ...(training ? { training } : {}),
  };
}

export async function saveModel(path: string, model: KMeansModel): Promise<void> {
  await writeFile(path, encodeArtifact(model));
}

export async function loadModel(path: string): Promise<KMeansModel> {
  return decodeArtifact(new Uint8Array(await readFile(path)), path);
}
