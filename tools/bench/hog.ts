/** HOG descriptors/s of libs/models vs scikit-image (see libs/models/bench/hog.ts). */
await import('@ktlab/models/bench/hog');
export {};
