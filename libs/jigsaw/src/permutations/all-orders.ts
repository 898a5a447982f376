/**
 * All 9! orders of the tiles, in lexicographic order (the identity first), plus a packed form for fast
 * Hamming distances: slots 0..7 as nibbles of one uint32 (`low`) and slot 8 on its own (`high`).
 */
import { TILE_COUNT } from './permutation-set';

export const ALL_ORDER_COUNT = 362_880;

export interface AllOrders {
  readonly orders: Uint8Array;
  readonly low: Uint32Array;
  readonly high: Uint8Array;
}

let cached: AllOrders | undefined;

export function allOrders(): AllOrders {
  if (cached) return cached;
  const orders = new Uint8Array(ALL_ORDER_COUNT * TILE_COUNT);
  const low = new Uint32Array(ALL_ORDER_COUNT);
  const high = new Uint8Array(ALL_ORDER_COUNT);
  const current = Uint8Array.from({ length: TILE_COUNT }, (_, i) => i);
  for (let index = 0; index < ALL_ORDER_COUNT; index++) {
    orders.set(current, index * TILE_COUNT);
    let packed = 0;
    for (let slot = 0; slot < 8; slot++) packed |= current[slot]! << (slot * 4);
    low[index] = packed >>> 0;
    high[index] = current[8]!;
    nextLexicographic(current);
  }
  cached = { orders, low, high };
  return cached;
}

/** Advances `order` in place to its lexicographic successor (the last one wraps, unused here). */
function nextLexicographic(order: Uint8Array): void {
  let i = order.length - 2;
  while (i >= 0 && order[i]! >= order[i + 1]!) i--;
  if (i < 0) return;
  let j = order.length - 1;
  while (order[j]! <= order[i]!) j--;
  [order[i], order[j]] = [order[j]!, order[i]!];
  order.subarray(i + 1).reverse();
}
