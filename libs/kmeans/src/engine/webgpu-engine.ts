/**
 * DistanceEngine on a WebGPU device (Dawn under Node, the device tf-backend's 'webgpu' backend runs on).
 *
 * One fused WGSL kernel per pass computes, for every point of a chunk, the nearest centroid and the squared
 * distance to it without materialising the n×k score matrix: a workgroup of 64 points walks the centroids in
 * tiles of 32 (× 32 dimensions, staged in workgroup memory), each invocation keeps its point's 32 running dot
 * products in registers, and only the best (score, index) so far survives a tile. Scores are ‖c‖² − 2x·c;
 * ‖x‖² is added for the winner at the end (clamped at 0, as the CPU engines do).
 *
 * Chunked to the adapter's limits: points go up in chunks whose bytes fit `maxStorageBufferBindingSize` (and
 * `maxBufferSize`, and the workgroup-count limit); centroids that do not fit one binding are split into
 * passes that carry the best (score, index) from pass to pass, in ascending centroid order, so ties still go
 * to the smaller index. Labels and distances come back per chunk; the per-cluster sums are added on the CPU
 * in float64 (like the wasm engine), from the labels.
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
  };
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBufferLike;
  createShaderModule(descriptor: { code: string; label?: string }): unknown;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string }; label?: string }): GpuPipelineLike;
  createBindGroup(descriptor: { layout: unknown; entries: Array<{ binding: number; resource: { buffer: GpuBufferLike; offset?: number; size?: number } }> }): unknown;
  createCommandEncoder(): GpuCommandEncoderLike;
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

interface GpuCommandEncoderLike {
  beginComputePass(): {
    setPipeline(pipeline: GpuPipelineLike): void;
    setBindGroup(index: number, group: unknown): void;
    dispatchWorkgroups(x: number, y?: number, z?: number): void;
    end(): void;
  };
  copyBufferToBuffer(source: GpuBufferLike, sourceOffset: number, destination: GpuBufferLike, destinationOffset: number, size: number): void;
  finish(): unknown;
}

const WORKGROUP_ROWS = 64;
const TILE_CENTROIDS = 32;
const TILE_DIMS = 32;

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

const ROWS = ${WORKGROUP_ROWS}u;
const TK = ${TILE_CENTROIDS}u;
const TD = ${TILE_DIMS}u;
var<workgroup> tile: array<f32, ${TILE_CENTROIDS * TILE_DIMS}>;

@compute @workgroup_size(${WORKGROUP_ROWS})
fn main(@builtin(workgroup_id) group: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let row = group.x * ROWS + lane;
  let valid = row < params.rows;
  var bestScore = 3.0e38;
  var bestLabel = 0u;
  if (valid && params.first == 0u) {
    bestScore = scores[row];
    bestLabel = labels[row];
  }
  var x: array<f32, ${TILE_DIMS}>;
  var dot: array<f32, ${TILE_CENTROIDS}>;
  for (var c0 = 0u; c0 < params.count; c0 += TK) {
    for (var j = 0u; j < TK; j++) { dot[j] = 0.0; }
    for (var d0 = 0u; d0 < params.dims; d0 += TD) {
      for (var i = lane; i < TK * TD; i += ROWS) {
        let c = c0 + i / TD;
        let d = d0 + i % TD;
        var v = 0.0;
        if (c < params.count && d < params.dims) { v = centroids[c * params.dims + d]; }
        tile[i] = v;
      }
      for (var t = 0u; t < TD; t++) {
        let d = d0 + t;
        var v = 0.0;
        if (valid && d < params.dims) { v = points[row * params.dims + d]; }
        x[t] = v;
      }
      workgroupBarrier();
      for (var j = 0u; j < TK; j++) {
        var s = dot[j];
        for (var t = 0u; t < TD; t++) { s = fma(x[t], tile[j * TD + t], s); }
        dot[j] = s;
      }
      workgroupBarrier();
    }
    for (var j = 0u; j < TK; j++) {
      let c = c0 + j;
      if (c < params.count) {
        let score = norms[c] - 2.0 * dot[j];
        if (score < bestScore) {
          bestScore = score;
          bestLabel = params.base + c;
        }
      }
    }
  }
  if (valid) {
    labels[row] = bestLabel;
    if (params.last == 1u) {
      var norm = 0.0;
      for (var d = 0u; d < params.dims; d++) {
        let v = points[row * params.dims + d];
        norm = fma(v, v, norm);
      }
      scores[row] = max(norm + bestScore, 0.0);
    } else {
      scores[row] = bestScore;
    }
  }
}
`;

export interface WebGpuEngineOptions {
  /**
   * Largest buffer binding to use, in bytes (default: the device's maxStorageBufferBindingSize and
   * maxBufferSize). Smaller values force more point chunks and centroid passes (tests).
   */
  maxBindingBytes?: number;
}

interface CentroidPass {
  base: number;
  count: number;
  centroids: GpuBufferLike;
  norms: GpuBufferLike;
}

/** Rounds a byte count up to WebGPU's 4-byte copy granularity (and at least 4). */
const bytes = (n: number) => Math.max(4, Math.ceil(n / 4) * 4);

export class WebGpuDistanceEngine implements DistanceEngine {
  readonly name = 'webgpu';
  private readonly pipeline: GpuPipelineLike;
  private readonly maxBinding: number;
  private readonly maxRowsPerDispatch: number;
  private passes: CentroidPass[] = [];
  private k = 0;
  private dims = 0;
  private sums = new Float64Array(0);
  private counts = new Float64Array(0);
  private chunk?: { rows: number; points: GpuBufferLike; labels: GpuBufferLike; scores: GpuBufferLike; readLabels: GpuBufferLike; readScores: GpuBufferLike };
  private readonly params: GpuBufferLike;

  constructor(private readonly device: GpuDeviceLike, options: WebGpuEngineOptions = {}) {
    const limits = device.limits;
    this.maxBinding = Math.min(options.maxBindingBytes ?? Infinity, limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    if (!(this.maxBinding >= 4)) throw new RangeError(`maxBindingBytes must be at least 4, got ${this.maxBinding}`);
    this.maxRowsPerDispatch = limits.maxComputeWorkgroupsPerDimension * WORKGROUP_ROWS;
    const module = device.createShaderModule({ code: ASSIGN_SHADER, label: 'kmeans-assign' });
    this.pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: 'kmeans-assign' });
    this.params = device.createBuffer({ size: 32, usage: UNIFORM | COPY_DST, label: 'kmeans-params' });
  }

  async setCentroids(centroids: Float32Array, k: number, dims: number): Promise<void> {
    if (centroids.length !== k * dims) throw new RangeError(`centroids hold ${centroids.length} values, expected k×dims=${k * dims}`);
    if (dims * 4 > this.maxBinding) throw new RangeError(`one ${dims}-dimensional row (${dims * 4} bytes) exceeds the binding limit ${this.maxBinding}`);
    this.releaseCentroids();
    if (dims !== this.dims) this.releaseChunk();
    this.k = k;
    this.dims = dims;
    this.sums = new Float64Array(k * dims);
    this.counts = new Float64Array(k);
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
  }

  /** Rows per chunk: the points of a chunk fit one binding and one dispatch. */
  private chunkRows(rows: number): number {
    return Math.max(1, Math.min(rows, Math.floor(this.maxBinding / (this.dims * 4)), this.maxRowsPerDispatch));
  }

  private chunkBuffers(rows: number) {
    if (this.chunk && this.chunk.rows >= rows) return this.chunk;
    this.releaseChunk();
    const device = this.device;
    this.chunk = {
      rows,
      points: device.createBuffer({ size: bytes(rows * this.dims * 4), usage: STORAGE | COPY_DST, label: 'kmeans-points' }),
      labels: device.createBuffer({ size: bytes(rows * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-labels' }),
      scores: device.createBuffer({ size: bytes(rows * 4), usage: STORAGE | COPY_SRC, label: 'kmeans-scores' }),
      readLabels: device.createBuffer({ size: bytes(rows * 4), usage: MAP_READ | COPY_DST, label: 'kmeans-read-labels' }),
      readScores: device.createBuffer({ size: bytes(rows * 4), usage: MAP_READ | COPY_DST, label: 'kmeans-read-scores' }),
    };
    return this.chunk;
  }

  async assign(points: Float32Array, labels: Int32Array, distances: Float32Array, accumulate = false): Promise<void> {
    const rows = checkAssignArguments(points, labels, distances, this.dims);
    if (this.passes.length === 0) throw new Error('setCentroids must be called before assign');
    const dims = this.dims;
    const step = this.chunkRows(rows);
    const buffers = this.chunkBuffers(step);
    const params = new Uint32Array(8);
    for (let first = 0; first < rows; first += step) {
      const count = Math.min(step, rows - first);
      this.device.queue.writeBuffer(buffers.points, 0, points.subarray(first * dims, (first + count) * dims));
      this.passes.forEach((pass, index) => {
        params.set([count, dims, pass.count, pass.base, index === 0 ? 1 : 0, index === this.passes.length - 1 ? 1 : 0, 0, 0]);
        // Written before this pass's submit, so each pass sees its own parameters.
        this.device.queue.writeBuffer(this.params, 0, params);
        const group = this.device.createBindGroup({
          layout: this.pipeline.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: buffers.points, size: bytes(count * dims * 4) } },
            { binding: 1, resource: { buffer: pass.centroids } },
            { binding: 2, resource: { buffer: pass.norms } },
            { binding: 3, resource: { buffer: buffers.labels, size: bytes(count * 4) } },
            { binding: 4, resource: { buffer: buffers.scores, size: bytes(count * 4) } },
            { binding: 5, resource: { buffer: this.params } },
          ],
        });
        const encoder = this.device.createCommandEncoder();
        const compute = encoder.beginComputePass();
        compute.setPipeline(this.pipeline);
        compute.setBindGroup(0, group);
        compute.dispatchWorkgroups(Math.ceil(count / WORKGROUP_ROWS));
        compute.end();
        if (index === this.passes.length - 1) {
          encoder.copyBufferToBuffer(buffers.labels, 0, buffers.readLabels, 0, bytes(count * 4));
          encoder.copyBufferToBuffer(buffers.scores, 0, buffers.readScores, 0, bytes(count * 4));
        }
        this.device.queue.submit([encoder.finish()]);
      });
      await Promise.all([buffers.readLabels.mapAsync(MAP_MODE_READ, 0, bytes(count * 4)), buffers.readScores.mapAsync(MAP_MODE_READ, 0, bytes(count * 4))]);
      const chunkLabels = new Int32Array(buffers.readLabels.getMappedRange(0, bytes(count * 4)), 0, count);
      labels.set(chunkLabels, first);
      distances.set(new Float32Array(buffers.readScores.getMappedRange(0, bytes(count * 4)), 0, count), first);
      buffers.readLabels.unmap();
      buffers.readScores.unmap();
      if (accumulate) this.accumulate(points, labels, first, count);
    }
  }

  private accumulate(points: Float32Array, labels: Int32Array, first: number, count: number): void {
    const { dims, sums, counts } = this;
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
    return { sums: Float64Array.from(this.sums), counts: Float64Array.from(this.counts) };
  }

  async dispose(): Promise<void> {
    this.releaseCentroids();
    this.releaseChunk();
    this.params.destroy();
  }

  private releaseCentroids(): void {
    for (const pass of this.passes) {
      pass.centroids.destroy();
      pass.norms.destroy();
    }
    this.passes = [];
  }

  private releaseChunk(): void {
    if (!this.chunk) return;
    for (const buffer of [this.chunk.points, this.chunk.labels, this.chunk.scores, this.chunk.readLabels, this.chunk.readScores]) buffer.destroy();
    this.chunk = undefined;
  }
}
