/**
 * NumPy `.npy` files (format 1.0, or 2.0 for very long headers), little-endian float32 / int32, C order —
 * how features, centroids and pseudo-labels are handed to Python users. Large matrices are written from
 * row blocks without concatenating them.
 */
import { open, readFile } from 'node:fs/promises';

export type NpyDtype = 'float32' | 'int32';
export type NpyArray = Float32Array | Int32Array;

const MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // "\x93NUMPY"
const DESCR: Record<NpyDtype, string> = { float32: '<f4', int32: '<i4' };

export interface NpyContents {
  dtype: NpyDtype;
  shape: number[];
  data: NpyArray;
}

function dtypeOf(data: NpyArray): NpyDtype {
  return data instanceof Float32Array ? 'float32' : 'int32';
}

/** The header bytes for an array of `dtype` and `shape` (data follows, 64-byte aligned). */
export function encodeNpyHeader(dtype: NpyDtype, shape: readonly number[]): Uint8Array {
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`invalid npy shape (${shape.join(', ')})`);
  }
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const lengthBytes = dict.length + 1 < 65536 - 10 ? 2 : 4;
  const prefix = MAGIC.length + 2 + lengthBytes;
  const padded = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerText = dict.padEnd(padded - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(padded);
  out.set(MAGIC, 0);
  out[6] = lengthBytes === 2 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (lengthBytes === 2) view.setUint16(8, headerText.length, true);
  else view.setUint32(8, headerText.length, true);
  out.set(new TextEncoder().encode(headerText), prefix);
  return out;
}

/**
 * Writes `blocks` (one array or row blocks of the same dtype) as one array of `shape`; the blocks' total
 * length must equal the shape's product.
 */
export async function writeNpy(path: string, blocks: NpyArray | readonly NpyArray[], shape: readonly number[]): Promise<void> {
  const list = Array.isArray(blocks) ? (blocks as readonly NpyArray[]) : [blocks as NpyArray];
  if (list.length === 0) throw new RangeError('writeNpy needs at least one block');
  const dtype = dtypeOf(list[0]);
  if (list.some((block) => dtypeOf(block) !== dtype)) throw new TypeError('all npy blocks must share one dtype');
  const total = list.reduce((sum, block) => sum + block.length, 0);
  const expected = shape.reduce((product, size) => product * size, 1);
  if (total !== expected) throw new RangeError(`npy data has ${total} values but shape (${shape.join(', ')}) needs ${expected}`);
  const file = await open(path, 'w');
  try {
    await file.write(encodeNpyHeader(dtype, shape));
    for (const block of list) {
      // Typed arrays are little-endian on every platform Node supports for this product (x64, arm64).
      await file.write(new Uint8Array(block.buffer, block.byteOffset, block.byteLength));
    }
  } finally {
    await file.close();
  }
}

/** One array as the bytes of a .npy file (for sending rather than writing). */
export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const expected = shape.reduce((product, size) => product * size, 1);
  if (data.length !== expected) throw new RangeError(`npy data has ${data.length} values but shape (${shape.join(', ')}) needs ${expected}`);
  const header = encodeNpyHeader(dtypeOf(data), shape);
  const bytes = new Uint8Array(header.length + data.byteLength);
  bytes.set(header);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  return bytes;
}

export function parseNpy(bytes: Uint8Array): NpyContents {
  const fail = (why: string): never => {
    throw new Error(`not a readable .npy file: ${why}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('missing \\x93NUMPY magic');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`unsupported format version ${major}.${bytes[7]}`);
  }
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1] ?? fail('header has no descr');
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail('header has no fortran_order');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail('header has no shape');
  if (fortran === 'True') fail('Fortran-ordered arrays are not supported (save with np.ascontiguousarray)');
  const dtype = (Object.keys(DESCR) as NpyDtype[]).find((key) => DESCR[key] === descr.replace(/^\|/, '<'));
  if (!dtype) return fail(`dtype ${descr} is not supported (use float32 '<f4' or int32 '<i4')`);
  const shape = shapeText.split(',').map((part) => part.trim()).filter((part) => part.length > 0).map(Number);
  const count = shape.reduce((product, size) => product * size, 1);
  const dataStart = headerStart + headerLength;
  if (bytes.length - dataStart < count * 4) fail(`expected ${count} values after the header, file is too short`);
  // A copy (aligned, independent of `bytes`): Uint8Array's slice, since a Node Buffer's own slice is a view.
  const raw = Uint8Array.prototype.slice.call(bytes, dataStart, dataStart + count * 4);
  const data = dtype === 'float32' ? new Float32Array(raw.buffer, 0, count) : new Int32Array(raw.buffer, 0, count);
  return { dtype, shape, data };
}

export async function readNpy(path: string): Promise<NpyContents> {
  return parseNpy(new Uint8Array(await readFile(path)));
}
