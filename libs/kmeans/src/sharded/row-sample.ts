/**
 * Which rows a sharded fit samples, decided row by row from (seed, global row index) alone: every shard
 * picks its own rows without coordination, and the sample does not depend on how the rows are sharded.
 */

/** Salts keep the init/PCA sample and the training subset independent draws of the same seed. */
export const SAMPLE_SALT = { init: 0x1f3d5b79, training: 0x6c8e9cf5 } as const;

/** A uniform number in [0, 1) for (seed, salt, row): a 32-bit integer hash (murmur3 finaliser). */
export function rowUniform(seed: number, salt: number, row: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ salt ^ Math.imul(row >>> 0, 0x85ebca77) ^ Math.floor(row / 2 ** 32)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  return h / 2 ** 32;
}

export function inRowSample(seed: number, salt: number, row: number, fraction: number): boolean {
  return fraction >= 1 || rowUniform(seed, salt, row) < fraction;
}
