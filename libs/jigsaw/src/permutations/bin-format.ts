/**
 * The permutation file format released with the paper's code: little-endian int32 `n`, int32 `9`, then
 * n × 9 int32 tile indices, 1-indexed. Pure byte encoding / decoding; file I/O is in permutation-file.ts.
 */
import { createPermutationSet, TILE_COUNT, type PermutationSet } from './permutation-set';

const HEADER_BYTES = 8;

export function decodePermutationBin(bytes: Uint8Array, source = 'permutation file'): PermutationSet {
  if (bytes.byteLength < HEADER_BYTES) {
    throw new Error(`${source}: ${bytes.byteLength} bytes is too short for the 8-byte header (int32 n, int32 9)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getInt32(0, true);
  const tiles = view.getInt32(4, true);
  if (tiles !== TILE_COUNT) throw new Error(`${source}: header says ${tiles} tiles per permutation, expected ${TILE_COUNT}`);
  if (count <= 0) throw new Error(`${source}: header says ${count} permutations, expected a positive count`);
  const expectedBytes = HEADER_BYTES + count * TILE_COUNT * 4;
  if (bytes.byteLength !== expectedBytes) {
    throw new Error(`${source}: header says ${count} permutations (${expectedBytes} bytes) but the file has ${bytes.byteLength} bytes`);
  }
  const orders = new Uint8Array(count * TILE_COUNT);
  for (let i = 0; i < orders.length; i++) {
    const oneIndexed = view.getInt32(HEADER_BYTES + i * 4, true);
    if (oneIndexed < 1 || oneIndexed > TILE_COUNT) {
      const row = Math.floor(i / TILE_COUNT);
      throw new Error(`${source}: permutation ${row} holds tile index ${oneIndexed}, expected 1..${TILE_COUNT} (1-indexed)`);
    }
    orders[i] = oneIndexed - 1;
  }
  try {
    return createPermutationSet(orders);
  } catch (error) {
    throw new Error(`${source}: ${(error as Error).message}`);
  }
}

export function encodePermutationBin(set: PermutationSet): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + set.orders.length * 4);
  const view = new DataView(bytes.buffer);
  view.setInt32(0, set.size, true);
  view.setInt32(4, TILE_COUNT, true);
  set.orders.forEach((cell, i) => view.setInt32(HEADER_BYTES + i * 4, cell + 1, true));
  return bytes;
}
