/**
 * The device bundle's `bench` entry: tools/bench/bench.ts finds benchmarks by listing its folder's .ts files,
 * which a bundle no longer has, so the benchmarks that make sense on a GPU host are named here instead.
 * `node bench.mjs <name> [options]` runs like `npm run bench -- <name> [options]`.
 */
const benchmarks: Record<string, () => Promise<unknown>> = {
  train: () => import('../bench/train'),
  kmeans: () => import('../bench/kmeans'),
  puzzles: () => import('../bench/puzzles'),
};

const benchmarkName = process.argv[2];
const runBenchmark = benchmarkName === undefined ? undefined : benchmarks[benchmarkName];
if (runBenchmark === undefined) {
  console.error(`usage: bench <name> [options]\nbenchmarks in this bundle: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(benchmarkName ? 2 : 0);
} else {
  process.argv.splice(2, 1);
  await runBenchmark();
  // The benchmark has printed its result; the wasm backend's threads would keep the process (and a lent GPU) busy.
  process.exit(process.exitCode ?? 0);
}

export {};
