/** Feature extraction images/s of libs/models vs PyTorch (see libs/models/bench/features.ts). */
await import('@ktlab/models/bench/features');
export {};
