/** Named float32 tensors in one file (optimizer state): a JSON header line, then the raw values in order. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@ktlab/data';

/** Reads the values asynchronously (every backend can, webgpu included). */
export async function saveTensorMap(path: string, tensors: tf.NamedTensorMap): Promise<void> {
  const entries = Object.entries(tensors);
  const header = JSON.stringify(entries.map(([name, t]) => ({ name, shape: t.shape })));
  const chunks: Uint8Array[] = [Buffer.from(`${header}\n`)];
  for (const [, t] of entries) {
    const values = (await t.data()) as Float32Array;
    chunks.push(new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)));
  }
  writeFileAtomic(path, chunks);
}

export function loadTensorMap(path: string): tf.NamedTensorMap {
  const bytes = readFileSync(path);
  const newline = bytes.indexOf(10);
  const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { name: string; shape: number[] }[];
  let offset = newline + 1;
  const out: tf.NamedTensorMap = {};
  for (const { name, shape } of header) {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + size * 4));
    out[name] = tf.tensor(values, shape, 'float32');
    offset += size * 4;
  }
  return out;
}
