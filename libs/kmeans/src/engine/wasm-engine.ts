/**
 * DistanceEngine on the CPU: the fused AssemblyScript kernel (register-blocked 4 points × 8 centroids of
 * f32x4 multiply-adds with a running argmin, never an n×k matrix) on worker threads sharing one memory.
 */
import { availableParallelism } from 'node:os';
import { checkAssignArguments, type ClusterAccumulation, type DistanceEngine } from './distance-engine.js';
import { createSharedMemory, ensureMemoryBytes, planRegions } from './shared-memory.js';
import { instantiateKernel, loadLloydKernel, type KernelVariant, type LloydKernelExports } from './wasm-kernel.js';
import { KernelWorkerPool, type KernelCall } from './worker-pool.js';

export interface WasmEngineOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
  /** Kernel variant; `auto` uses fused multiply-add when the runtime supports relaxed SIMD. */
  variant?: KernelVariant | 'auto';
  /** Bytes of points copied into wasm memory per pass (default 32 MiB). */
  stagingBytes?: number;
}

const ROW_BLOCK = 4;
const PANEL = 8;
const SCRATCH_BYTES = 256;

type Regions = Record<'centroids' | 'packed' | 'norms' | 'sums' | 'counts' | 'points' | 'labels' | 'distances', number>;

export class WasmDistanceEngine implements DistanceEngine {
  readonly name: string;
  private readonly memory: WebAssembly.Memory;
  private readonly host: LloydKernelExports;
  private readonly pool: KernelWorkerPool;
  private readonly stagingBytes: number;
  private k = 0;
  private dims = 0;
  private stagingRows = 0;
  private regions: Regions | undefined;

  constructor(options: WasmEngineOptions = {}) {
    const threads = options.threads ?? availableParallelism();
    const kernel = loadLloydKernel(options.variant ?? 'auto');
    this.stagingBytes = options.stagingBytes ?? 32 * 2 ** 20;
    this.memory = createSharedMemory();
    this.host = instantiateKernel(kernel, this.memory);
    this.pool = new KernelWorkerPool(kernel, this.memory, threads);
    this.name = `wasm-${kernel.variant}×${threads}`;
  }

  get threads(): number {
    return this.pool.size;
  }

  async setCentroids(centroids: Float32Array, k: number, dims: number): Promise<void> {
    if (!Number.isInteger(k) || k < 1 || !Number.isInteger(dims) || dims < 1) {
      throw new RangeError(`k and dims must be positive integers, got k=${k} dims=${dims}`);
    }
    if (centroids.length !== k * dims) throw new RangeError(`centroids hold ${centroids.length} values, expected k×dims=${k * dims}`);
    const regions = k === this.k && dims === this.dims && this.regions ? this.regions : this.layout(k, dims);
    new Float32Array(this.memory.buffer, regions.centroids, k * dims).set(centroids);
    new Float64Array(this.memory.buffer, regions.sums, k * dims).fill(0);
    new Float64Array(this.memory.buffer, regions.counts, k).fill(0);
    this.host.packCentroids(regions.centroids, k, dims, regions.packed, regions.norms);
  }

  private layout(k: number, dims: number): Regions {
    const paddedK = Math.ceil(k / PANEL) * PANEL;
    this.stagingRows = Math.max(ROW_BLOCK, Math.floor(this.stagingBytes / (dims * 4) / ROW_BLOCK) * ROW_BLOCK);
    const { offsets, end } = planRegions({
      centroids: k * dims * 4,
      packed: paddedK * dims * 4,
      norms: paddedK * 4,
      sums: k * dims * 8,
      counts: k * 8,
      points: this.stagingRows * dims * 4,
      labels: this.stagingRows * 4,
      distances: this.stagingRows * 4,
    });
    ensureMemoryBytes(this.memory, end);
    this.regions = offsets;
    this.k = k;
    this.dims = dims;
    return offsets;
  }

  async assign(points: Float32Array, labels: Int32Array, distances: Float32Array, accumulate = false): Promise<void> {
    const rows = checkAssignArguments(points, labels, distances, this.dims);
    const regions = this.regions;
    if (!regions) throw new Error('setCentroids must be called before assign');
    const { dims, k } = this;
    const threads = this.pool.size;
    for (let first = 0; first < rows; first += this.stagingRows) {
      const count = Math.min(this.stagingRows, rows - first);
      const paddedCount = Math.ceil(count / ROW_BLOCK) * ROW_BLOCK;
      const staged = new Float32Array(this.memory.buffer, regions.points, paddedCount * dims);
      staged.set(points.subarray(first * dims, (first + count) * dims));
      staged.fill(0, count * dims);

      const blocksPerThread = Math.ceil(paddedCount / ROW_BLOCK / threads);
      const assignCalls: KernelCall[] = [];
      for (let t = 0; t < threads; t++) {
        const start = Math.min(paddedCount, t * blocksPerThread * ROW_BLOCK);
        const end = Math.min(paddedCount, start + blocksPerThread * ROW_BLOCK);
        if (start >= end) break;
        assignCalls.push({
          fn: 'assignRows',
          args: [regions.points, dims, start, end, regions.packed, regions.norms, k, regions.labels, regions.distances, scratchOffset(t)],
        });
      }
      await this.pool.run(assignCalls);
      labels.set(new Int32Array(this.memory.buffer, regions.labels, count), first);
      distances.set(new Float32Array(this.memory.buffer, regions.distances, count), first);

      if (accumulate) {
        // Split by columns, not rows: each sum then adds rows in the same order whatever the thread count.
        const columnsPerThread = Math.ceil(dims / threads / 4) * 4;
        const accumulateCalls: KernelCall[] = [];
        for (let t = 0; t < threads; t++) {
          const start = t * columnsPerThread;
          const end = Math.min(dims, start + columnsPerThread);
          if (start >= end) break;
          accumulateCalls.push({
            fn: 'accumulateColumns',
            args: [regions.points, dims, count, regions.labels, start, end, regions.sums, regions.counts],
          });
        }
        await this.pool.run(accumulateCalls);
      }
    }
  }

  async readAccumulated(): Promise<ClusterAccumulation> {
    const regions = this.regions;
    if (!regions) throw new Error('setCentroids must be called before readAccumulated');
    return {
      sums: new Float64Array(this.memory.buffer, regions.sums, this.k * this.dims).slice(),
      counts: new Float64Array(this.memory.buffer, regions.counts, this.k).slice(),
    };
  }

  async dispose(): Promise<void> {
    await this.pool.terminate();
  }
}

/** Per-thread scratch below the first region (the module has no static data). */
function scratchOffset(thread: number): number {
  return 1024 + thread * SCRATCH_BYTES;
}
