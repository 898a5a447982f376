export type { RandomSource } from './random-source';
export { mixSeed } from './mix-seed';
export { Xoshiro128, Xoshiro128Float53 } from './xoshiro128';
export { Sfc32 } from './sfc32';
export { TFJS_ZERO_SEED_STAND_IN, tfjsSeed } from './tfjs-seed';
