import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** IDX element types by their type byte (third byte of the magic number). */
const IDX_TYPES = {
  0x08: { dtype: 'uint8', bytes: 1 },
  0x09: { dtype: 'int8', bytes: 1 },
  0x0b: { dtype: 'int16', bytes: 2 },
  0x0c: { dtype: 'int32', bytes: 4 },
  0x0d: { dtype: 'float32', bytes: 4 },
  0x0e: { dtype: 'float64', bytes: 8 },
} as const;

export type IdxDtype = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['dtype'];

export type IdxTensor =
  | { dtype: 'uint8'; shape: number[]; data: Uint8Array }
  | { dtype: 'int8'; shape: number[]; data: Int8Array }
  | { dtype: 'int16'; shape: number[]; data: Int16Array }
  | { dtype: 'int32'; shape: number[]; data: Int32Array }
  | { dtype: 'float32'; shape: number[]; data: Float32Array }
  | { dtype: 'float64'; shape: number[]; data: Float64Array };

/** Parses an IDX file's bytes (big-endian header and elements; the MNIST family's format). Pure. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxTensor {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${name} is not an IDX file (bad magic number)`);
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (!type) throw new Error(`${name} has unknown IDX element type 0x${bytes[2].toString(16)}`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (rank === 0 || bytes.length < headerBytes) throw new Error(`${name} has a truncated IDX header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const elements = shape.reduce((product, dim) => product * dim, 1);
  const expected = headerBytes + elements * type.bytes;
  if (bytes.length !== expected) {
    throw new Error(`${name} has ${bytes.length} bytes but its shape [${shape.join(', ')}] needs ${expected}`);
  }
  const body = headerBytes;
  // Typed-array views then .slice(): a Node Buffer's own slice() shares memory instead of copying.
  switch (type.dtype) {
    case 'uint8':
      return { dtype: 'uint8', shape, data: new Uint8Array(bytes.buffer, bytes.byteOffset + body, elements).slice() };
    case 'int8':
      return { dtype: 'int8', shape, data: new Int8Array(bytes.buffer, bytes.byteOffset + body, elements).slice() };
    case 'int16':
      return { dtype: 'int16', shape, data: Int16Array.from({ length: elements }, (_, i) => view.getInt16(body + 2 * i, false)) };
    case 'int32':
      return { dtype: 'int32', shape, data: Int32Array.from({ length: elements }, (_, i) => view.getInt32(body + 4 * i, false)) };
    case 'float32':
      return { dtype: 'float32', shape, data: Float32Array.from({ length: elements }, (_, i) => view.getFloat32(body + 4 * i, false)) };
    case 'float64':
      return { dtype: 'float64', shape, data: Float64Array.from({ length: elements }, (_, i) => view.getFloat64(body + 8 * i, false)) };
  }
}

const isGzip = (bytes: Uint8Array) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Reads an IDX file (e.g. `train-images-idx3-ubyte`), gunzipping it first when it is gzip-compressed. */
export function readIdx(path: string): IdxTensor {
  const raw = readFileSync(path);
  let bytes: Uint8Array;
  try {
    bytes = isGzip(raw) ? gunzipSync(raw) : raw;
  } catch (error) {
    throw new Error(`"${path}" looks gzip-compressed but cannot be decompressed: ${(error as Error).message}`);
  }
  return parseIdx(bytes, `"${path}"`);
}
