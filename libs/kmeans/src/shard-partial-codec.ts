/**
 * A shard's Lloyd partial (lloyd-step.ts) as bytes, so a worker can hand it to whichever worker reduces.
 *
 * Layout (little-endian): magic "KTKMPART", u32 version, u32 shard, u32 k, u32 dims, f64 rows, f64 inertia,
 * then float64 sums [k × dims] and float64 counts [k]. Float64 throughout: the reduce must see exactly the
 * numbers the map produced.
 */
import type { ShardPartial } from './lloyd-step.js';

const MAGIC = 'KTKMPART';
const VERSION = 1;
const HEADER_BYTES = 40;

export function encodeShardPartial(partial: ShardPartial): Uint8Array {
  const k = partial.counts.length;
  const dims = k === 0 ? 0 : partial.sums.length / k;
  if (!Number.isInteger(dims)) throw new RangeError(`shard ${partial.shard}: ${partial.sums.length} sums do not split into ${k} clusters`);
  const bytes = new Uint8Array(HEADER_BYTES + 8 * (partial.sums.length + k));
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < MAGIC.length; i++) bytes[i] = MAGIC.charCodeAt(i);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, partial.shard, true);
  view.setUint32(16, k, true);
  view.setUint32(20, dims, true);
  view.setFloat64(24, partial.rows, true);
  view.setFloat64(32, partial.inertia, true);
  let offset = HEADER_BYTES;
  for (const array of [partial.sums, partial.counts]) {
    for (let i = 0; i < array.length; i++, offset += 8) view.setFloat64(offset, array[i], true);
  }
  return bytes;
}

export function decodeShardPartial(bytes: Uint8Array, source = 'shard partial'): ShardPartial {
  if (bytes.length < HEADER_BYTES) throw new Error(`${source}: ${bytes.length} bytes is too short for a k-means shard partial`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new Error(`${source}: not a k-means shard partial (magic ${JSON.stringify(magic)})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) throw new Error(`${source}: shard partial format version ${version}, this ktlab reads ${VERSION}`);
  const shard = view.getUint32(12, true);
  const k = view.getUint32(16, true);
  const dims = view.getUint32(20, true);
  const expected = HEADER_BYTES + 8 * (k * dims + k);
  if (bytes.length !== expected) throw new Error(`${source}: ${bytes.length} bytes, expected ${expected} for k=${k}, dims=${dims} (truncated?)`);
  const sums = new Float64Array(k * dims);
  const counts = new Float64Array(k);
  let offset = HEADER_BYTES;
  for (const array of [sums, counts]) {
    for (let i = 0; i < array.length; i++, offset += 8) array[i] = view.getFloat64(offset, true);
  }
  return { shard, rows: view.getFloat64(24, true), inertia: view.getFloat64(32, true), sums, counts };
}
