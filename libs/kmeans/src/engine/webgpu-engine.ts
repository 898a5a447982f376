/**
 * DistanceEngine on a WebGPU device (Dawn under Node, the device tf-backend's 'webgpu' backend runs on).
 *
 * One fused WGSL kernel per pass computes, for every point of a chunk, the nearest centroid and the squared
 * distance to it without materialising the n×k score matrix. It is tiled like a matrix product: a workgroup
 * of 256 threads scores 64 points against 64 centroids at a time, both staged in workgroup memory 8
 * dimensions at a step, each thread keeping a 4 points × 4 centroids block of dot products in registers;
 * after each centroid tile only the best (score, index) per point survives. Scores are ‖c‖² − 2x·c; ‖x‖² is
 * added for the winner at the end (clamped at 0, as the CPU engines do).
 *
 * Chunked to the adapter's limits: points go up in chunks whose bytes fit `maxStorageBufferBindingSize` (and
 * `maxBufferSize`, and the workgroup-count limit); centroids that do not fit one binding are split into
 * passes that carry the best (score, index) from pass to pass, in ascending centroid order, so ties still go
 * to the smaller index. Labels and distances come back per chunk.
 *
 * What a fit repeats stays on the device: the blocks a fit passes to `keepResident` are uploaded once (within
 * a byte budget), and the update step's per-cluster sums are taken there by a second kernel right after the
 * assignment (compensated float32; on the CPU in float64 when k×dims would not fit one binding).
 */
import { checkAssignArguments, type ClusterAccumulation, type DistanceEngine } from './distance-engine.js';

// WebGPU constants (GPUBufferUsage / GPUMapMode), by value so no browser globals are needed.
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const UNIFORM = 0x40;
const STORAGE = 0x80;
const MAP_MODE_READ = 0x1;

/** The part of a WebGPU `GPUDevice` this engine uses (structural, so no WebGPU type package is needed). */
export interface GpuDeviceLike {
  readonly limits: {
    readonly maxStorageBufferBindingSize: number;
    readonly maxBufferSize: number;
    readonly maxComputeWorkgroupsPerDimension: number;
  };
  readonly queue: {
    writeBuffer(buffer: GpuBufferLike, offset: number, data: ArrayBufferView, dataOffset?: number, size?: number): void;
    submit(commandBuffers: unknown[]): void;
    onSubmittedWorkDone?(): Promise<void>;
  };
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBufferLike;
  createShaderModule(descriptor: { code: string; label?: string }): unknown;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string }; label?: string }): GpuPipelineLike;
  createBindGroup(descriptor: { layout: unknown; entries: Array<{ binding: number; resource: { buffer: GpuBufferLike; offset?: number; size?: number } }> }): unknown;
  createCommandEncoder(): GpuCommandEncoderLike;
  /** Error scopes (catch an allocation the device cannot hold); optional so test doubles may leave them out. */
  pushErrorScope?(filter: 'out-of-memory'): void;
  popErrorScope?(): Promise<unknown>;
}

export interface GpuBufferLike {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

interface GpuPipelineLike {
  getBindGroupLayout(index: number): unknown;
}

interface GpuComputePassLike {
  setPipeline(pipeline: GpuPipelineLike): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

interface GpuCommandEncoderLike {
  beginComputePass(): GpuComputePassLike;
  copyBufferToBuffer(source: GpuBufferLike, sourceOffset: number, destination: GpuBufferLike, destinationOffset: number, size: number): void;
  finish(): unknown;
}

/** Rows of a workgroup, and centroids of a tile: one workgroup scores 64 rows against 64 centroids at a time. */
const TILE = 64;
/** Dimensions staged in workgroup memory per step. */
const DEPTH = 8;
/** Threads of an accumulation workgroup, and the dimensions each of them sums. */
const SUM_LANES = 64;
const SUM_DIMS_PER_LANE = 8;

const ASSIGN_SHADER = /* wgsl */ `
struct Params {
  rows: u32,      // points in this chunk
  dims: u32,
  count: u32,     // centroids in this pass
  base: u32,      // index of this pass's first centroid
  first: u32,     // 1: no earlier pass (start from +inf)
  last: u32,      // 1: write ‖x‖² + best score (the distance) instead of the score
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<storage, read> points: array<f32>;
@group(0) @binding(1) var<storage, read> centroids: array<f32>;
@group(0) @binding(2) var<storage, read> norms: array<f32>;
@group(0) @binding(3) var<storage, read_write> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

const TILE = ${TILE}u;
const DEPTH = ${DEPTH}u;
const GROUPS = ${TILE / 4}u;  // 4×4 blocks per tile side
// [dimension][row / 4]: rows 4q … 4q+3 of the tile at one dimension, so a thread reads its 4 rows in one load.
var<workgroup> rowTile: array<vec4<f32>, ${DEPTH * (TILE / 4)}>;
var<workgroup> centroidTile: array<vec4<f32>, ${DEPTH * (TILE / 4)}>;
// [row][centroid group]: each thread's best centroid of its 4 for each of its 4 rows.
var<workgroup> candidateScore: array<f32, ${TILE * (TILE / 4)}>;
var<workgroup> candidateLabel: array<u32, ${TILE * (TILE / 4)}>;

fn offer(dots: vec4<f32>, row: u32, group: u32, c0: u32) {
  var best = 3.0e38;
  var label = 0u;
  for (var j = 0u; j < 4u; j++) {
    let c = c0 + group * 4u + j;
    if (c < params.count) {
      let score = norms[c] - 2.0 * dots[j];
      if (score < best) {
        best = score;
        label = params.base + c;
      }
    }
  }
  candidateScore[row * GROUPS + group] = best;
  candidateLabel[row * GROUPS + group] = label;
}

@compute @workgroup_size(${TILE * 4})
fn main(@builtin(workgroup_id) workgroup: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let group = lane % GROUPS;     // this thread's centroids in a tile: 4·group … 4·group+3
  let rowGroup = lane / GROUPS;  // this thread's rows in the tile: 4·rowGroup … 4·rowGroup+3
  let firstRow = workgroup.x * TILE;
  // Threads 0 … 63 each own one row of the tile: its best (score, label) so far and its squared norm.
  let ownRow = firstRow + lane;
  let owner = lane < TILE && ownRow < params.rows;
  var bestScore = 3.0e38;
  var bestLabel = 0u;
  if (owner && params.first == 0u) {
    bestScore = scores[ownRow];
    bestLabel = labels[ownRow];
  }
  var norm = 0.0;
  for (var c0 = 0u; c0 < params.count; c0 += TILE) {
    var dots0 = vec4<f32>(0.0);
    var dots1 = vec4<f32>(0.0);
    var dots2 = vec4<f32>(0.0);
    var dots3 = vec4<f32>(0.0);
    for (var d0 = 0u; d0 < params.dims; d0 += DEPTH) {
      for (var e = lane; e < TILE * DEPTH; e += TILE * 4u) {
        let item = e / DEPTH;
        let d = d0 + e % DEPTH;
        let slot = (e % DEPTH) * GROUPS + item / 4u;
        var x = 0.0;
        if (firstRow + item < params.rows && d < params.dims) { x = points[(firstRow + item) * params.dims + d]; }
        rowTile[slot][item % 4u] = x;
        var y = 0.0;
        if (c0 + item < params.count && d < params.dims) { y = centroids[(c0 + item) * params.dims + d]; }
        centroidTile[slot][item % 4u] = y;
      }
      workgroupBarrier();
      if (c0 == 0u && lane < TILE) {
        for (var t = 0u; t < DEPTH; t++) {
          let v = rowTile[t * GROUPS + lane / 4u][lane % 4u];
          norm = fma(v, v, norm);
        }
      }
      for (var t = 0u; t < DEPTH; t++) {
        let a = rowTile[t * GROUPS + rowGroup];
        let b = centroidTile[t * GROUPS + group];
        dots0 = fma(vec4<f32>(a.x), b, dots0);
        dots1 = fma(vec4<f32>(a.y), b, dots1);
        dots2 = fma(vec4<f32>(a.z), b, dots2);
        dots3 = fma(vec4<f32>(a.w), b, dots3);
      }
      workgroupBarrier();
    }
    offer(dots0, rowGroup * 4u, group, c0);
    offer(dots1, rowGroup * 4u + 1u, group, c0);
    offer(dots2, rowGroup * 4u + 2u, group, c0);
    offer(dots3, rowGroup * 4u + 3u, group, c0);
    workgroupBarrier();
    if (lane < TILE) {
      // Groups in ascending centroid order and a strict comparison: ties go to the smaller index.
      for (var g = 0u; g < GROUPS; g++) {
        let score = candidateScore[lane * GROUPS + g];
        if (score < bestScore) {
          bestScore = score;
          bestLabel = candidateLabel[lane * GROUPS + g];
        }
      }
    }
    workgroupBarrier();
  }
  if (owner) {
    labels[ownRow] = bestLabel;
    if (params.last == 1u) {
      scores[ownRow] = max(norm + bestScore, 0.0);
    } else {
      scores[ownRow] = bestScore;
    }
  }
}
`;

/**
 * The update step's sums on the device: workgroup (cluster, dimension block) walks the chunk's labels 64 rows
 * at a time and, for the rows of its cluster, in row order, adds their values to its dimensions (Kahan-
 * compensated float32, so the sums match the CPU engines' float64 to float precision and never depend on
 * scheduling). Blocks with no row of the cluster — most of them when k is large — cost one label read.
 */
const ACCUMULATE_SHADER = /* wgsl */ `
struct Params {
  rows: u32,
  dims: u32,
  pad0: u32,
  pad1: u32,
}

@group(0) @binding(0) var<storage, read> points: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
@group(0) @binding(3) var<storage, read_write> carries: array<f32>;
@group(0) @binding(4) var<storage, read_write> counts: array<u32>;
@group(0) @binding(5) var<uniform> params: Params;

const LANES = ${SUM_LANES}u;
const PER_LANE = ${SUM_DIMS_PER_LANE}u;
var<workgroup> member: array<u32, ${SUM_LANES}>;
var<workgroup> hits: atomic<u32>;

@compute @workgroup_size(${SUM_LANES})
fn main(@builtin(workgroup_id) workgroup: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let cluster = workgroup.x;
  let firstDim = workgroup.y * LANES * PER_LANE;
  var sum: array<f32, ${SUM_DIMS_PER_LANE}>;
  var carry: array<f32, ${SUM_DIMS_PER_LANE}>;
  for (var p = 0u; p < PER_LANE; p++) {
    let d = firstDim + p * LANES + lane;
    if (d < params.dims) {
      sum[p] = sums[cluster * params.dims + d];
      carry[p] = carries[cluster * params.dims + d];
    }
  }
  var count = 0u;
  for (var r0 = 0u; r0 < params.rows; r0 += LANES) {
    if (lane == 0u) { atomicStore(&hits, 0u); }
    workgroupBarrier();
    var hit = 0u;
    if (r0 + lane < params.rows && labels[r0 + lane] == cluster) {
      hit = 1u;
      atomicAdd(&hits, 1u);
    }
    member[lane] = hit;
    workgroupBarrier();
    if (atomicLoad(&hits) > 0u) {
      for (var i = 0u; i < LANES; i++) {
        if (member[i] == 1u) {
          count += 1u;
          let row = (r0 + i) * params.dims;
          for (var p = 0u; p < PER_LANE; p++) {
            let d = firstDim + p * LANES + lane;
            if (d < params.dims) {
              let y = points[row + d] - carry[p];
              let t = sum[p] + y;
              carry[p] = (t - sum[p]) - y;
              sum[p] = t;
            }
          }
        }
      }
    }
    workgroupBarrier();
  }
  for (var p = 0u; p < PER_LANE; p++) {
    let d = firstDim + p * LANES + lane;
    if (d < params.dims) {
      sums[cluster * params.dims + d] = sum[p];
      carries[cluster * params.dims + d] = carry[p];
    }
  }
  if (workgroup.y == 0u && lane == 0u) { counts[cluster] += count; }
}
`;

export interface WebGpuEngineOptions {
  /**
   * Largest buffer binding to use, in bytes (default: the device's maxStorageBufferBindingSize and
   * maxBufferSize). Smaller values force more point chunks and centroid passes (tests).
   */
  maxBindingBytes?: number;
  /**
   * Bytes of points the engine may keep on the device for blocks passed to `keepResident` (default 4 GiB).
   * Blocks beyond it — or refused by the device for lack of memory — are uploaded on every call instead.
   */
  maxResidentBytes?: number;
}

interface CentroidPass {
  base: number;
  count: number;
  centroids: GpuBufferLike;
  norms: GpuBufferLike;
}

/** Rows `first … first+count−1` of a block, on the device. */
interface PointChunk {
  first: number;
  count: number;
  buffer: GpuBufferLike;
}

/** Per-cluster sums on the device (float32 + Kahan carries) and counts, when they fit one binding. */
interface DeviceSums {
  sums: GpuBufferLike;
  carries: GpuBufferLike;
  counts: GpuBufferLike;
}

/** Rounds a byte count up to WebGPU's 4-byte copy granularity (and at least 4). */
const bytes = (n: number) => Math.max(4, Math.ceil(n / 4) * 4);

const DEFAULT_RESIDENT_BYTES = 4 * 2 ** 30;
const UPLOAD_WAIT_BYTES = 512 * 2 ** 20;

export class WebGpuDistanceEngine implements DistanceEngine {
  readonly name = 'webgpu';
  private readonly assignPipeline: GpuPipelineLike;
  private readonly accumulatePipeline: GpuPipelineLike;
  private readonly maxBinding: number;
  private readonly maxRowsPerDispatch: number;
  private readonly maxResidentBytes: number;
  private passes: CentroidPass[] = [];
  private k = 0;
  private dims = 0;
  /** CPU sums, for when the device's would not fit one binding. */
  private hostSums = new Float64Array(0);
  private hostCounts = new Float64Array(0);
  private deviceSums?: DeviceSums;
  private staging?: { rows: number; points: GpuBufferLike; labels: GpuBufferLike; scores: GpuBufferLike; readLabels: GpuBufferLike; readScores: GpuBufferLike };
  private readonly params: GpuBufferLike;
  private readonly accumulateParams: GpuBufferLike;
  /** Blocks the caller promised not to change, and their chunks on the device once uploaded ('host': not kept). */
  private readonly resident = new Map<Float32Array, PointChunk[] | 'host' | undefined>();
  private residentBytesUsed = 0;

  constructor(private readonly device: GpuDeviceLike, options: WebGpuEngineOptions = {}) {
    const limits = device.limits;
    this.maxBinding = Math.min(options.maxBindingBytes ?? Infinity, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    if (!(this.maxBinding >= 4)) throw new RangeError(`maxBindingBytes must be at least 4, got ${this.maxBinding}`);
    this.maxRowsPerDispatch = limits.maxComputeWorkgroupsPerDimension * TILE;
    this.maxResidentBytes = options.maxResidentBytes ?? DEFAULT_RESIDENT_BYTES;
    const pipeline = (code: string, label: string) =>
      device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code, label }), entryPoint: 'main' }, label });
    this.assignPipeline = pipeline(ASSIGN_SHADER, 'kmeans-assign');
    this.accumulatePipeline = pipeline(ACCUMULATE_SHADER, 'kmeans-accumulate');
    this.params = device.createBuffer({ size: 32, usage: UNIFORM | COPY_DST, label: 'kmeans-params' });
    this.accumulateParams = device.createBuffer({ size: 16, usage: UNIFORM | COPY_DST, label: 'kmeans-accumulate-params' });
  }

  /** Bytes of points kept on the device now (see `keepResident`). */
  get residentBytes(): number {
    return this.residentBytesUsed;
  }

  /** Whether the update step's sums are taken on the device (they fit one binding) rather than on the CPU. */
  get sumsOnDevice(): boolean {
    return this.deviceSums !== undefined;
  }

  keepResident(blocks: readonly Float32Array[]): void {
    for (const block of blocks) if (!this.resident.has(block)) this.resident.set(block, undefined);
  }

  releaseResident(): void {
    for (const chunks of this.resident.values()) if (Array.isArray(chunks)) for (const chunk of chunks) chunk.buffer.destroy();
    this.resident.clear();
    this.residentBytesUsed = 0;
  }

  async setCentroids(centroids: Float32Array, k: number, dims: number): Promise<void> {
    if (centroids.length !== k * dims) throw new RangeError(`centroids hold ${centroids.length} values, expected k×dims=${k * dims}`);
    if (dims * 4 > this.maxBinding) throw new RangeError(`one ${dims}-dimensional row (${dims * 4} bytes) exceeds the binding limit ${this.maxBinding}`);
    this.releaseCentroids();
    if (dims !== this.dims) {
      this.releaseStaging();
      // Chunks were cut for the old row width.
      const kept = [...this.resident.keys()];
      this.releaseResident();
      this.keepResident(kept);
    }
    this.k = k;
    this.dims = dims;
    const perPass = Math.max(1, Math.floor(this.maxBinding / (dims * 4)));
    for (let base = 0; base < k; base += perPass) {
      const count = Math.min(perPass, k - base);
      const values = centroids.subarray(base * dims, (base + count) * dims);
      const norms = new Float32Array(count);
      for (let c = 0; c < count; c++) {
        let sum = 0;
        for (let d = 0; d < dims; d++) sum += values[c * dims + d] * values[c * dims + d];
        norms[c] = sum;
      }
      const pass = {
        base,
        count,
        centroids: this.device.createBuffer({ size: bytes(values.byteLength), usage: STORAGE | COPY_DST, label: 'kmeans-centroids' }),
        norms: this.device.createBuffer({ size: bytes(norms.byteLength), usage: STORAGE | COPY_DST, label: 'kmeans-norms' }),
      };
      this.device.queue.writeBuffer(pass.centroids, 0, values);
      this.device.queue.writeBuffer(pass.norms, 0, norms);
      this.passes.push(pass);
    }
    if (k * dims * 4 <= this.maxBinding && k <= this.device.limits.maxComputeWorkgroupsPerDimension) {
      // New buffers are zeroed.
      this.deviceSums = {
        sums: this.device.createBuffer({ size: bytes(k * dims * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-sums' }),
        carries: this.device.createBuffer({ size: bytes(k * dims * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-sum-carries' }),
        counts: this.device.createBuffer({ size: bytes(k * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-counts' }),
      };
    } else {
      this.hostSums = new Float64Array(k * dims);
      this.hostCounts = new Float64Array(k);
    }
  }

  /** Rows per chunk: the points of a chunk fit one binding and one dispatch. */
  private chunkRows(rows: number): number {
    return Math.max(1, Math.min(rows, Math.floor(this.maxBinding / (this.dims * 4)), this.maxRowsPerDispatch));
  }

  private stagingBuffers(rows: number) {
    if (this.staging && this.staging.rows >= rows) return this.staging;
    this.releaseStaging();
    const device = this.device;
    this.staging = {
      rows,
      points: device.createBuffer({ size: bytes(rows * this.dims * 4), usage: STORAGE | COPY_DST, label: 'kmeans-points' }),
      labels: device.createBuffer({ size: bytes(rows * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-labels' }),
      scores: device.createBuffer({ size: bytes(rows * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-scores' }),
      readLabels: device.createBuffer({ size: bytes(rows * 4), usage: MAP_READ | COPY_DST, label: 'kmeans-read-labels' }),
      readScores: device.createBuffer({ size: bytes(rows * 4), usage: MAP_READ | COPY_DST, label: 'kmeans-read-scores' }),
    };
    return this.staging;
  }

  /**
   * The block's chunks on the device, uploading them on first use if the caller asked to keep it and the
   * budget allows; undefined when its rows go up with every call.
   */
  private async residentChunks(points: Float32Array, step: number): Promise<PointChunk[] | undefined> {
    const kept = this.resident.get(points);
    if (kept === 'host' || (kept === undefined && !this.resident.has(points))) return undefined;
    if (kept) return kept;
    const rows = points.length / this.dims;
    if (this.residentBytesUsed + points.byteLength > this.maxResidentBytes) {
      this.resident.set(points, 'host');
      return undefined;
    }
    const chunks: PointChunk[] = [];
    this.device.pushErrorScope?.('out-of-memory');
    for (let first = 0; first < rows; first += step) {
      const count = Math.min(step, rows - first);
      const buffer = this.device.createBuffer({ size: bytes(count * this.dims * 4), usage: STORAGE | COPY_DST, label: 'kmeans-resident-points' });
      chunks.push({ first, count, buffer });
    }
    const outOfMemory = await this.device.popErrorScope?.();
    if (outOfMemory) {
      for (const chunk of chunks) chunk.buffer.destroy();
      this.resident.set(points, 'host');
      return undefined;
    }
    let pending = 0;
    for (const chunk of chunks) {
      this.device.queue.writeBuffer(chunk.buffer, 0, points.subarray(chunk.first * this.dims, (chunk.first + chunk.count) * this.dims));
      pending += chunk.count * this.dims * 4;
      // The device copies each write through host staging memory it frees once the copy is done: wait every
      // so often, so uploading 40 GB does not first take 40 GB more of host memory.
      if (pending >= UPLOAD_WAIT_BYTES && this.device.queue.onSubmittedWorkDone) {
        this.device.queue.submit([]);
        await this.device.queue.onSubmittedWorkDone();
        pending = 0;
      }
    }
    this.resident.set(points, chunks);
    this.residentBytesUsed += points.byteLength;
    return chunks;
  }

  async assign(points: Float32Array, labels: Int32Array, distances: Float32Array, accumulate = false): Promise<void> {
    const rows = checkAssignArguments(points, labels, distances, this.dims);
    if (this.passes.length === 0) throw new Error('setCentroids must be called before assign');
    const dims = this.dims;
    const step = this.chunkRows(rows);
    const staging = this.stagingBuffers(step);
    const chunks = (await this.residentChunks(points, step)) ?? [];
    const params = new Uint32Array(8);
    for (let first = 0, chunkIndex = 0; first < rows; first += step, chunkIndex++) {
      const count = Math.min(step, rows - first);
      let source = chunks[chunkIndex]?.buffer;
      if (!source) {
        this.device.queue.writeBuffer(staging.points, 0, points.subarray(first * dims, (first + count) * dims));
        source = staging.points;
      }
      const pointBinding = { buffer: source, size: bytes(count * dims * 4) };
      this.passes.forEach((pass, index) => {
        const last = index === this.passes.length - 1;
        params.set([count, dims, pass.count, pass.base, index === 0 ? 1 : 0, last ? 1 : 0, 0, 0]);
        // Written before this pass's submit, so each pass sees its own parameters.
        this.device.queue.writeBuffer(this.params, 0, params);
        const encoder = this.device.createCommandEncoder();
        const compute = encoder.beginComputePass();
        compute.setPipeline(this.assignPipeline);
        compute.setBindGroup(0, this.device.createBindGroup({
          layout: this.assignPipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: pointBinding },
            { binding: 1, resource: { buffer: pass.centroids } },
            { binding: 2, resource: { buffer: pass.norms } },
            { binding: 3, resource: { buffer: staging.labels, size: bytes(count * 4) } },
            { binding: 4, resource: { buffer: staging.scores, size: bytes(count * 4) } },
            { binding: 5, resource: { buffer: this.params } },
          ],
        }));
        compute.dispatchWorkgroups(Math.ceil(count / TILE));
        if (last && accumulate && this.deviceSums) this.encodeAccumulate(compute, pointBinding, staging.labels, count);
        compute.end();
        if (last) {
          encoder.copyBufferToBuffer(staging.labels, 0, staging.readLabels, 0, bytes(count * 4));
          encoder.copyBufferToBuffer(staging.scores, 0, staging.readScores, 0, bytes(count * 4));
        }
        this.device.queue.submit([encoder.finish()]);
      });
      await Promise.all([staging.readLabels.mapAsync(MAP_MODE_READ, 0, bytes(count * 4)), staging.readScores.mapAsync(MAP_MODE_READ, 0, bytes(count * 4))]);
      labels.set(new Int32Array(staging.readLabels.getMappedRange(0, bytes(count * 4)), 0, count), first);
      distances.set(new Float32Array(staging.readScores.getMappedRange(0, bytes(count * 4)), 0, count), first);
      staging.readLabels.unmap();
      staging.readScores.unmap();
      if (accumulate && !this.deviceSums) this.accumulateOnHost(points, labels, first, count);
    }
  }

  private encodeAccumulate(compute: GpuComputePassLike, points: { buffer: GpuBufferLike; size: number }, labels: GpuBufferLike, rows: number): void {
    const sums = this.deviceSums!;
    this.device.queue.writeBuffer(this.accumulateParams, 0, new Uint32Array([rows, this.dims, 0, 0]));
    compute.setPipeline(this.accumulatePipeline);
    compute.setBindGroup(0, this.device.createBindGroup({
      layout: this.accumulatePipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: points },
        { binding: 1, resource: { buffer: labels, size: bytes(rows * 4) } },
        { binding: 2, resource: { buffer: sums.sums } },
        { binding: 3, resource: { buffer: sums.carries } },
        { binding: 4, resource: { buffer: sums.counts } },
        { binding: 5, resource: { buffer: this.accumulateParams } },
      ],
    }));
    compute.dispatchWorkgroups(this.k, Math.ceil(this.dims / (SUM_LANES * SUM_DIMS_PER_LANE)));
  }

  private accumulateOnHost(points: Float32Array, labels: Int32Array, first: number, count: number): void {
    const { dims, hostSums: sums, hostCounts: counts } = this;
    for (let r = first; r < first + count; r++) {
      const label = labels[r];
      counts[label] += 1;
      const target = label * dims;
      const source = r * dims;
      for (let d = 0; d < dims; d++) sums[target + d] += points[source + d];
    }
  }

  async readAccumulated(): Promise<ClusterAccumulation> {
    if (this.passes.length === 0) throw new Error('setCentroids must be called before readAccumulated');
    if (!this.deviceSums) return { sums: Float64Array.from(this.hostSums), counts: Float64Array.from(this.hostCounts) };
    const { k, dims } = this;
    const [sums, carries, counts] = await Promise.all([
      this.readBuffer(this.deviceSums.sums, k * dims * 4),
      this.readBuffer(this.deviceSums.carries, k * dims * 4),
      this.readBuffer(this.deviceSums.counts, k * 4),
    ]);
    const sumValues = new Float32Array(sums, 0, k * dims);
    const carryValues = new Float32Array(carries, 0, k * dims);
    // Kahan: the running sum minus what it has not yet absorbed.
    return {
      sums: Float64Array.from(sumValues, (value, i) => value - carryValues[i]),
      counts: Float64Array.from(new Uint32Array(counts, 0, k)),
    };
  }

  private async readBuffer(buffer: GpuBufferLike, size: number): Promise<ArrayBuffer> {
    const read = this.device.createBuffer({ size: bytes(size), usage: MAP_READ | COPY_DST, label: 'kmeans-read' });
    try {
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(buffer, 0, read, 0, bytes(size));
      this.device.queue.submit([encoder.finish()]);
      await read.mapAsync(MAP_MODE_READ, 0, bytes(size));
      return read.getMappedRange(0, bytes(size)).slice(0);
    } finally {
      read.destroy();
    }
  }

  async dispose(): Promise<void> {
    this.releaseCentroids();
    this.releaseStaging();
    this.releaseResident();
    this.params.destroy();
    this.accumulateParams.destroy();
  }

  private releaseCentroids(): void {
    for (const pass of this.passes) {
      pass.centroids.destroy();
      pass.norms.destroy();
    }
    this.passes = [];
    if (this.deviceSums) for (const buffer of Object.values(this.deviceSums)) buffer.destroy();
    this.deviceSums = undefined;
  }

  private releaseStaging(): void {
    if (!this.staging) return;
    for (const buffer of [this.staging.points, this.staging.labels, this.staging.scores, this.staging.readLabels, this.staging.readScores]) buffer.destroy();
    this.staging = undefined;
  }
}
