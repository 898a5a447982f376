/**
 * A seed TensorFlow.js will honour. Its random ops and initialisers test the seed for truthiness
 * (`seed ? seed : Math.random()`), so a seed of 0 — ktlab's default run seed — silently meant "unseeded" and
 * two runs with seed 0 started from different weights. 0 maps to a fixed stand-in above every seed ktlab derives
 * (run seeds ≤ 2,000,000, times 1000 plus a layer index); every other seed is kept as it is.
 */
export const TFJS_ZERO_SEED_STAND_IN = 2_147_483_647;

export function tfjsSeed(seed: number): number;
export function tfjsSeed(seed: number | undefined): number | undefined;
export function tfjsSeed(seed: number | undefined): number | undefined {
  return seed === 0 ? TFJS_ZERO_SEED_STAND_IN : seed;
}
