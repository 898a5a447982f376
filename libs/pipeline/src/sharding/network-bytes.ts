/**
 * A tfjs layers model as one byte string, so the run's worker can put the network features are extracted with
 * as a run file and shard workers load exactly its weights: a little-endian u32 length, the model JSON
 * (topology and weight specs), then the weight data.
 */
import * as tf from '@tensorflow/tfjs';

const MAGIC = 'KTNET1';

export async function encodeNetwork(model: tf.LayersModel): Promise<Uint8Array> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved || saved.modelTopology instanceof ArrayBuffer) throw new Error('encodeNetwork: the model did not save a JSON topology');
  const weights = saved.weightData === undefined ? new Uint8Array(0) : new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData));
  const json = new TextEncoder().encode(JSON.stringify({ modelTopology: saved.modelTopology, weightSpecs: saved.weightSpecs ?? [] }));
  const bytes = new Uint8Array(MAGIC.length + 4 + json.length + weights.length);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(MAGIC.length, json.length, true);
  bytes.set(json, MAGIC.length + 4);
  bytes.set(weights, MAGIC.length + 4 + json.length);
  return bytes;
}

export async function decodeNetwork(bytes: Uint8Array, name = 'network'): Promise<tf.LayersModel> {
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) {
    throw new Error(`${name}: not a network file (no ${MAGIC} magic)`);
  }
  const jsonLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  const jsonEnd = MAGIC.length + 4 + jsonLength;
  if (jsonEnd > bytes.length) throw new Error(`${name}: the model description runs past the end of the file`);
  const { modelTopology, weightSpecs } = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, jsonEnd))) as {
    modelTopology: tf.io.ModelJSON['modelTopology'];
    weightSpecs: tf.io.WeightsManifestEntry[];
  };
  const expected = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((n, d) => n * d, 1) * 4, 0);
  if (bytes.length - jsonEnd !== expected) throw new Error(`${name}: ${bytes.length - jsonEnd} bytes of weights, the model needs ${expected}`);
  // A copy: `bytes` may be a view (a Node Buffer) into a larger ArrayBuffer.
  const weightData = new Uint8Array(bytes.subarray(jsonEnd)).buffer;
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData }));
}
